package trial

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

func running(p *corev1.Pod) {
	p.Spec.NodeName = "node1"
	p.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodReady, Status: corev1.ConditionTrue},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue},
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", Ready: true,
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
}

// markedNotReady is what the node lifecycle controller does to the pods of
// a node whose kubelet stopped reporting: Ready false, nothing else.
func markedNotReady(p *corev1.Pod) {
	p.Status.Conditions[0].Status = corev1.ConditionFalse
}

func TestFromJobFaults(t *testing.T) {
	failed := batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded",
		Message: "Job has reached the specified backoff limit", LastTransitionTime: metav1.NewTime(t0.Add(2 * time.Minute))}
	deleting := func(p *corev1.Pod) {
		ts := metav1.NewTime(t0.Add(time.Minute))
		p.DeletionTimestamp = &ts
	}
	cases := map[string]struct {
		job  *batchv1.Job
		pods []corev1.Pod
		want Status
	}{
		"node stopped reporting": {
			job:  job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodRunning, running, markedNotReady)},
			want: Status{State: Unknown, Reason: ReasonNodeNotReady, Pod: "t1-a", Node: "node1",
				Message: "node node1 is not ready (its kubelet does not report): the trial's pod t1-a may still run, or not"},
		},
		"pod phase Unknown": {
			job:  job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodUnknown, running)},
			want: Status{State: Unknown, Reason: ReasonNodeNotReady, Pod: "t1-a", Node: "node1",
				Message: "node node1 is not ready (its kubelet does not report): the trial's pod t1-a may still run, or not"},
		},
		"failing readiness probe is still running": {
			job: job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodRunning, running, markedNotReady, func(p *corev1.Pod) {
				p.Status.Conditions[1].Status = corev1.ConditionFalse
			})},
			want: Status{State: Running, Pod: "t1-a", Node: "node1"},
		},
		"readiness gates not met is still running": {
			job: job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodRunning, running, markedNotReady, func(p *corev1.Pod) {
				p.Status.Conditions[0].Reason = readinessGatesNotReady
			})},
			want: Status{State: Running, Pod: "t1-a", Node: "node1"},
		},
		"pod being deleted": {
			job:  job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodRunning, running, deleting)},
			want: Status{State: Running, Reason: ReasonTerminating, Message: "pod t1-a is being deleted", Pod: "t1-a", Node: "node1"},
		},
		"pending pod being deleted": {
			job:  job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodPending, unschedulable, deleting)},
			want: Status{State: Pending, Reason: ReasonTerminating, Message: "pod t1-a is being deleted", Pod: "t1-a"},
		},
		"failed job whose pod was deleted": {
			job: func() *batchv1.Job {
				j := job("t1", failed)
				j.Status.Failed = 1
				return j
			}(),
			want: Status{State: Failed, Reason: "BackoffLimitExceeded", Finished: ptr(t0.Add(2 * time.Minute)),
				Message: "Job has reached the specified backoff limit; its pod was deleted (no pod is left to say how it ended)"},
		},
		"deleted pod replaced by the Job controller counts as a restart": {
			job: func() *batchv1.Job {
				j := job("t1")
				j.Status.Failed, j.Status.Active = 1, 1
				return j
			}(),
			pods: []corev1.Pod{pod("t1-b", corev1.PodRunning, running)},
			want: Status{State: Running, Pod: "t1-b", Node: "node1", Restarts: 1},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := FromJob(tc.job, tc.pods)
			want := tc.want
			want.Name, want.Namespace, want.Experiment, want.Index, want.Created, want.Attempt = "t1", "ns", "exp", 3, t0, 1
			want.Params, want.Labels = got.Params, map[string]string{keys.Experiment: "exp"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("FromJob() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnknownIsNotFinished(t *testing.T) {
	c := Counts{Unknown: 1, Succeeded: 2}
	if c.Finished() || Unknown.Finished() {
		t.Error("a trial whose node stopped reporting counts as finished")
	}
	if got, want := c.String(), "3 trials: 1 unknown, 2 succeeded"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
