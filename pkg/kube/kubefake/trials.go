package kubefake

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// T0 is when simulated trials are created.
var T0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// Trial describes one simulated trial: its Job and, unless it is Pending
// without a pod, one pod in the state asked for.
type Trial struct {
	// Name is the trial's (and Job's) name.
	Name string
	// Index is its position in the experiment.
	Index int
	// Params is the params annotation, a JSON object ("{}" if empty).
	Params string
	// State is Succeeded, Failed, OOMKilled, Running, Pending or NoPod;
	// Killed is a Failed trial whose container the runtime reported Error,
	// exit 137 (an OOM kill it did not see); ProcessOOMKilled a Succeeded
	// one whose container the runtime reported OOMKilled, exit 0.
	State string
	// Memory is the container's memory limit ("" for none).
	Memory string
}

// Experiment returns the Jobs and pods of experiment exp in namespace ns.
func Experiment(ns, exp string, trials ...Trial) []runtime.Object {
	var out []runtime.Object
	for _, t := range trials {
		job, pod := trialObjects(ns, exp, t)
		out = append(out, job)
		if pod != nil {
			out = append(out, pod)
		}
	}
	return out
}

func trialObjects(ns, exp string, t Trial) (*batchv1.Job, *corev1.Pod) {
	params := t.Params
	if params == "" {
		params = "{}"
	}
	uid := types.UID("uid-" + t.Name)
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: ns, CreationTimestamp: metav1.NewTime(T0),
			Labels:      map[string]string{keys.Experiment: exp, keys.Trial: t.Name, keys.ManagedBy: keys.ManagedByValue},
			Annotations: map[string]string{keys.Params: params, keys.Index: fmt.Sprint(t.Index)}}
	}
	c := corev1.Container{Name: "ml", Image: "localhost/mlexp/toolbox:dev", Command: []string{"sh", "-c", "true"}}
	if t.Memory != "" {
		c.Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(t.Memory)}
	}
	zero := int32(0)
	job := &batchv1.Job{ObjectMeta: meta(t.Name), Spec: batchv1.JobSpec{
		BackoffLimit: &zero,
		Selector:     &metav1.LabelSelector{MatchLabels: map[string]string{batchv1.ControllerUidLabel: string(uid)}},
		Template: corev1.PodTemplateSpec{ObjectMeta: meta(""), Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{c}}},
	}}
	job.UID = uid
	job.Annotations[keys.SpecHash] = fmt.Sprintf("hash-%s", t.Name)
	job.Spec.Template.Name = ""
	job.Spec.Template.Labels[batchv1.ControllerUidLabel] = string(uid)
	job.Spec.Template.Labels[batchv1.JobNameLabel] = t.Name
	if t.State == "NoPod" {
		return job, nil
	}
	pod := &corev1.Pod{ObjectMeta: meta(t.Name + "-abcde"), Spec: job.Spec.Template.Spec}
	pod.Labels[batchv1.JobNameLabel] = t.Name
	pod.Spec.NodeName = "node1"
	started := metav1.NewTime(T0.Add(time.Second))
	ended := metav1.NewTime(T0.Add(time.Minute))
	pod.Status.StartTime = &started
	job.Status.StartTime = &started
	term := func(code int32, reason string) {
		pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{
			Terminated: &corev1.ContainerStateTerminated{ExitCode: code, Reason: reason, StartedAt: started, FinishedAt: ended}}}}
	}
	cond := func(typ batchv1.JobConditionType, reason string) {
		job.Status.Conditions = append(job.Status.Conditions, batchv1.JobCondition{Type: typ, Status: corev1.ConditionTrue, Reason: reason, LastTransitionTime: ended})
	}
	switch t.State {
	case "Succeeded", "ProcessOOMKilled":
		pod.Status.Phase = corev1.PodSucceeded
		term(0, map[string]string{"Succeeded": "Completed", "ProcessOOMKilled": "OOMKilled"}[t.State])
		cond(batchv1.JobComplete, "")
		job.Status.CompletionTime = &ended
		job.Status.Succeeded = 1
	case "Failed":
		pod.Status.Phase = corev1.PodFailed
		term(1, "Error")
		cond(batchv1.JobFailed, "BackoffLimitExceeded")
		job.Status.Failed = 1
	case "OOMKilled", "Killed":
		pod.Status.Phase = corev1.PodFailed
		term(137, map[string]string{"OOMKilled": "OOMKilled", "Killed": "Error"}[t.State])
		cond(batchv1.JobFailed, "BackoffLimitExceeded")
		job.Status.Failed = 1
	case "Running":
		pod.Status.Phase = corev1.PodRunning
		pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{
			Running: &corev1.ContainerStateRunning{StartedAt: started}}}}
		job.Status.Active = 1
	default: // Pending
		pod.Spec.NodeName = ""
		pod.Status.Phase = corev1.PodPending
		pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
			Reason: "Unschedulable", Message: "0/1 nodes are available: 1 Insufficient cpu."}}
		pod.Status.StartTime = nil
		job.Status.StartTime = nil
		job.Status.Active = 1
	}
	return job, pod
}
