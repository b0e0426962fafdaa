package kube_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var t0 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// fullContainer has everything a container of a trial's pod has.
func fullContainer() corev1.Container {
	return corev1.Container{
		Name: "ml", Image: "trainer:1", Command: []string{"python"}, Args: []string{"train.py", "0.1"},
		Env:          []corev1.EnvVar{{Name: "LR", Value: "0.1"}},
		VolumeMounts: []corev1.VolumeMount{{Name: "kube-api-access", MountPath: "/var/run/secrets"}},
		Resources: corev1.ResourceRequirements{
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("32Mi"), corev1.ResourceCPU: resource.MustParse("1")},
			Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("16Mi")}},
		ReadinessProbe: &corev1.Probe{PeriodSeconds: 5},
	}
}

func managed() []metav1.ManagedFieldsEntry {
	return []metav1.ManagedFieldsEntry{{Manager: keys.FieldManager, Operation: metav1.ManagedFieldsOperationApply,
		FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{}}`)}}}
}

// experimentObjects returns Jobs and pods of four trials in the states
// status shows: succeeded, OOMKilled, unschedulable, running after a restart.
func experimentObjects() ([]batchv1.Job, []corev1.Pod) {
	var jobs []batchv1.Job
	var pods []corev1.Pod
	states := []func(*batchv1.Job, *corev1.Pod){
		func(j *batchv1.Job, p *corev1.Pod) {
			j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
			p.Status.Phase = corev1.PodSucceeded
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{
				Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", Message: `{"acc":0.9}`}}}}
		},
		func(j *batchv1.Job, p *corev1.Pod) {
			j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded"}}
			p.Status.Phase = corev1.PodFailed
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{
				Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled", FinishedAt: metav1.NewTime(t0)}}}}
		},
		func(j *batchv1.Job, p *corev1.Pod) {
			p.Spec.NodeName = ""
			p.Status.Phase = corev1.PodPending
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
				Reason: "Unschedulable", Message: "0/1 nodes are available: 1 Insufficient cpu."}}
		},
		func(j *batchv1.Job, p *corev1.Pod) {
			p.Status.Phase = corev1.PodRunning
			p.Status.StartTime = &metav1.Time{Time: t0}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", RestartCount: 1,
				State:                corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(t0)}},
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled"}}}}
		},
	}
	for i, set := range states {
		name := "exp-" + string(rune('a'+i))
		meta := metav1.ObjectMeta{Name: name, Namespace: "ns", CreationTimestamp: metav1.NewTime(t0), ManagedFields: managed(),
			Labels:      map[string]string{keys.Experiment: "exp", keys.Trial: name},
			Annotations: map[string]string{keys.Index: string(rune('0' + i)), keys.Params: `{"lr":0.1}`}}
		spec := corev1.PodSpec{Containers: []corev1.Container{fullContainer()}, NodeName: "node-1",
			Volumes:     []corev1.Volume{{Name: "kube-api-access"}},
			Tolerations: []corev1.Toleration{{Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists}}}
		j := batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}
		p := corev1.Pod{ObjectMeta: *meta.DeepCopy(), Spec: *spec.DeepCopy()}
		p.Name = name + "-xyz12"
		set(&j, &p)
		jobs, pods = append(jobs, j), append(pods, p)
	}
	return jobs, pods
}

// TestTrimKeepsTrialState checks that what the lists drop changes no
// trial's status: Collect gives the same from full and trimmed objects.
func TestTrimKeepsTrialState(t *testing.T) {
	jobs, pods := experimentObjects()
	want := trial.FromJobs(jobs, pods)
	c := fake.NewClientset()
	for i := range jobs {
		if _, err := c.BatchV1().Jobs("ns").Create(context.Background(), &jobs[i], metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CoreV1().Pods("ns").Create(context.Background(), &pods[i], metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	gotJobs, gotPods, err := kube.ListJobsAndPods(context.Background(), c, "ns", keys.ForExperiment("exp"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, trial.FromJobs(gotJobs, gotPods)); diff != "" {
		t.Errorf("statuses from trimmed objects (-full +trimmed):\n%s", diff)
	}
	specs := map[string]*corev1.PodSpec{}
	for i, j := range gotJobs {
		if j.ManagedFields != nil {
			t.Errorf("job %s: managed fields kept", j.Name)
		}
		specs["job "+j.Name] = &gotJobs[i].Spec.Template.Spec
	}
	for i, p := range gotPods {
		if p.ManagedFields != nil {
			t.Errorf("pod %s: managed fields kept", p.Name)
		}
		specs["pod "+p.Name] = &gotPods[i].Spec
	}
	for name, spec := range specs {
		c := spec.Containers[0]
		if spec.Volumes != nil || spec.Tolerations != nil || c.Env != nil || c.Args != nil || c.VolumeMounts != nil {
			t.Errorf("%s: heavy fields kept", name)
		}
		if c.Name != "ml" || c.Resources.Limits.Memory().String() != "32Mi" || c.Image != "trainer:1" {
			t.Errorf("%s: container name, image or limits lost: %+v", name, c)
		}
	}
	full, err := kube.ListJobs(context.Background(), c, "ns", keys.ForExperiment("exp"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(jobs[0].Spec.Template, full[0].Spec.Template); diff != "" || full[0].ManagedFields != nil {
		t.Errorf("kube.ListJobs: want the whole pod template and no managed fields (-want +got):\n%s", diff)
	}
}
