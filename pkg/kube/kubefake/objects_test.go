package kubefake

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// TestJobOptions checks that the options set what they say on a Job and
// that a nil option and an empty label value behave as documented.
func TestJobOptions(t *testing.T) {
	j := Job("ml", "mnist", "t1", Created(T0), UID(), Index(2), Params(`{"lr":0.1}`),
		Annotations(map[string]string{"a": "b"}), Labels(map[string]string{keys.Trial: "", "q": "team-a"}), nil, Failed("BackoffLimitExceeded"))
	if !j.CreationTimestamp.Time.Equal(T0) || j.UID != "uid-t1" {
		t.Errorf("created %v uid %q, want %v uid-t1", j.CreationTimestamp, j.UID, T0)
	}
	if diff := cmp.Diff(map[string]string{keys.Index: "2", keys.Params: `{"lr":0.1}`, "a": "b"}, j.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{keys.Experiment: "mnist", "q": "team-a"}, j.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	want := []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded"}}
	if diff := cmp.Diff(want, j.Status.Conditions); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
}

// TestPodPhase checks the container state Phase gives each phase.
func TestPodPhase(t *testing.T) {
	for phase, want := range map[corev1.PodPhase]corev1.ContainerState{
		corev1.PodRunning:   {Running: &corev1.ContainerStateRunning{}},
		corev1.PodSucceeded: {Terminated: &corev1.ContainerStateTerminated{Message: "done"}},
		corev1.PodFailed:    {Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Message: "done"}},
		corev1.PodPending:   {},
	} {
		p := Pod("ml", "mnist", "t1", "t1-x", Phase(phase, "done"), Node("n1"), Created(T0.Add(time.Second)))
		if p.Status.Phase != phase || p.Spec.NodeName != "n1" {
			t.Errorf("%s: phase %s node %q", phase, p.Status.Phase, p.Spec.NodeName)
		}
		if diff := cmp.Diff([]corev1.ContainerStatus{{Name: "ml", State: want}}, p.Status.ContainerStatuses); diff != "" {
			t.Errorf("%s: container statuses (-want +got):\n%s", phase, diff)
		}
	}
}
