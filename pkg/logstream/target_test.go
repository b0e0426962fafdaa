package logstream

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// testExperiment returns three trials: 0 succeeded after a retry, 1 runs,
// 2 is pending.
func testExperiment() ([]batchv1.Job, []corev1.Pod) {
	jobs := []batchv1.Job{
		testJob("mnist", 2, `{"activation":"tanh","dropout":0.4}`, ""),
		testJob("mnist", 0, `{"activation":"relu","dropout":0.2}`, batchv1.JobComplete),
		testJob("mnist", 1, `{"activation":"relu","dropout":0.3}`, ""),
	}
	pods := []corev1.Pod{
		testPod(&jobs[1], 2, corev1.PodSucceeded), // the retry, listed first
		testPod(&jobs[1], 1, corev1.PodFailed),
		testPod(&jobs[2], 1, corev1.PodRunning),
		testPod(&jobs[0], 1, corev1.PodPending),
	}
	return jobs, pods
}

func TestSelect(t *testing.T) {
	type pick struct{ Trial, Pod, Container string }
	cases := map[string]struct {
		filter      Filter
		want        []pick
		wantMissing []string
		wantSettled bool
	}{
		"every started container in trial and pod order": {
			want: []pick{{"mnist-00000000", "mnist-00000000-p1", "ml"}, {"mnist-00000000", "mnist-00000000-p2", "ml"}, {"mnist-00000001", "mnist-00000001-p1", "ml"}},
		},
		"newest pod only": {
			filter: Filter{NewestPodOnly: true, Trials: []string{"mnist-00000000"}},
			want:   []pick{{"mnist-00000000", "mnist-00000000-p2", "ml"}}, wantSettled: true,
		},
		"by name": {
			filter:      Filter{Trials: []string{"mnist-00000001", "mnist-0000000f"}},
			want:        []pick{{"mnist-00000001", "mnist-00000001-p1", "ml"}},
			wantMissing: []string{"mnist-0000000f"},
		},
		"by parameters": {
			filter: Filter{Selector: params.Selector{{Name: "dropout", Value: "0.3"}}},
			want:   []pick{{"mnist-00000001", "mnist-00000001-p1", "ml"}},
		},
		// Only the Job carries the label: its pods are still shown.
		"by the Jobs' labels": {
			filter: Filter{Labels: k8slabels.SelectorFromSet(k8slabels.Set{"team": "vision"})},
			want:   []pick{{"mnist-00000001", "mnist-00000001-p1", "ml"}},
		},
		"previous instances only where restarted": {
			filter: Filter{Previous: true},
		},
		"a container the pods lack": {
			filter: Filter{Container: "sidecar"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			jobs, pods := testExperiment()
			jobs[2].Labels["team"] = "vision" // mnist-00000001; no pod has it
			sel := tc.filter.Select(jobs, pods)
			var got []pick
			for _, tg := range sel.Targets {
				got = append(got, pick{tg.Trial, tg.Pod, tg.Container})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantMissing, sel.Missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
			if sel.Settled != tc.wantSettled {
				t.Errorf("settled = %v, want %v", sel.Settled, tc.wantSettled)
			}
		})
	}
}

func TestSelectContainers(t *testing.T) {
	job := testJob("mnist", 0, `{}`, "")
	pod := testPod(&job, 1, corev1.PodRunning)
	pod.Spec.InitContainers = []corev1.Container{{Name: "fetch"}}
	pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: "sidecar"})
	pod.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "fetch", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{}}}}
	pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{
		Name: "sidecar", RestartCount: 2,
		State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
		LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}},
	})
	type pick struct {
		Container string
		Labelled  bool
	}
	cases := map[string]struct {
		filter Filter
		annot  string
		want   []pick
	}{
		"default is the first":     {want: []pick{{"ml", false}}},
		"kubectl's annotation":     {annot: "sidecar", want: []pick{{"sidecar", false}}},
		"named":                    {filter: Filter{Container: "fetch"}, want: []pick{{"fetch", false}}},
		"all, init first":          {filter: Filter{AllContainers: true}, want: []pick{{"fetch", true}, {"ml", true}, {"sidecar", true}}},
		"previous of the restarts": {filter: Filter{AllContainers: true, Previous: true}, want: []pick{{"sidecar", true}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := pod.DeepCopy()
			if tc.annot != "" {
				p.Annotations = map[string]string{DefaultContainerAnnotation: tc.annot}
			}
			var got []pick
			for _, tg := range tc.filter.Select([]batchv1.Job{job}, []corev1.Pod{*p}).Targets {
				got = append(got, pick{tg.Container, tg.Labelled})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("containers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSettled(t *testing.T) {
	job := testJob("mnist", 0, `{}`, batchv1.JobFailed)
	cases := map[string]struct {
		pod  func() corev1.Pod
		want bool
	}{
		"pod failed":        {func() corev1.Pod { return testPod(&job, 1, corev1.PodFailed) }, true},
		"pod still running": {func() corev1.Pod { return testPod(&job, 1, corev1.PodRunning) }, false},
		"pod still pending": {func() corev1.Pod { return testPod(&job, 1, corev1.PodPending) }, false},
		"pending and deleted": {func() corev1.Pod {
			p := testPod(&job, 1, corev1.PodPending)
			p.DeletionTimestamp = &metav1.Time{}
			return p
		}, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			sel := (&Filter{}).Select([]batchv1.Job{job}, []corev1.Pod{tc.pod()})
			if sel.Settled != tc.want {
				t.Errorf("settled = %v, want %v", sel.Settled, tc.want)
			}
		})
	}
}
