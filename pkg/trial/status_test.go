package trial

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func job(name string, conds ...batchv1.JobCondition) *batchv1.Job {
	return kubefake.Job("ns", "exp", name, kubefake.Labels(map[string]string{keys.Trial: ""}), kubefake.Created(t0),
		kubefake.Index(3), kubefake.Params(`{"lr":0.1,"act":"relu"}`), kubefake.Conditions(conds...))
}

func pod(name string, phase corev1.PodPhase, mutate ...func(*corev1.Pod)) corev1.Pod {
	p := kubefake.Pod("ns", "", "t1", name, kubefake.Labels(map[string]string{keys.Experiment: ""}), kubefake.Created(t0),
		kubefake.Containers(corev1.Container{Name: "ml", Resources: corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("32Mi")}}}))
	p.Status.Phase = phase
	for _, m := range mutate {
		m(p)
	}
	return *p
}

func unschedulable(p *corev1.Pod) {
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable",
		Message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."}}
}

func oomKilled(p *corev1.Pod) {
	p.Spec.NodeName = "node1"
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: 137, Reason: "OOMKilled", FinishedAt: metav1.NewTime(t0.Add(time.Minute))}}}}
}

func TestFromJob(t *testing.T) {
	failed := batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded",
		Message: "Job has reached the specified backoff limit", LastTransitionTime: metav1.NewTime(t0.Add(2 * time.Minute))}
	complete := batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}
	code := func(c int32) *int32 { return &c }
	cases := map[string]struct {
		job  *batchv1.Job
		pods []corev1.Pod
		want Status
	}{
		"no pod yet is pending": {
			job:  job("t1"),
			want: Status{State: Pending, Reason: "NoPod", Message: "the Job controller has not created a pod yet"},
		},
		"unschedulable pod is pending with the scheduler's message": {
			job:  job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodPending, unschedulable)},
			want: Status{State: Pending, Reason: "Unschedulable", Pod: "t1-a",
				Message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."},
		},
		"waiting container gives its reason": {
			job: job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodPending, func(p *corev1.Pod) {
				p.Spec.NodeName = "node1"
				p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{
					Waiting: &corev1.ContainerStateWaiting{Reason: "ErrImageNeverPull", Message: "image not present"}}}}
			})},
			want: Status{State: Pending, Reason: "ErrImageNeverPull", Message: "image not present", Pod: "t1-a", Node: "node1"},
		},
		"running pod": {
			job: job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodRunning, func(p *corev1.Pod) {
				p.Spec.NodeName = "node1"
				st := metav1.NewTime(t0.Add(time.Second))
				p.Status.StartTime = &st
			})},
			want: Status{State: Running, Pod: "t1-a", Node: "node1", Started: ptr(t0.Add(time.Second))},
		},
		"complete job succeeded": {
			job:  job("t1", complete),
			want: Status{State: Succeeded},
		},
		"failed job with an OOM-killed pod is OOMKilled with its limit": {
			job:  job("t1", failed),
			pods: []corev1.Pod{pod("t1-a", corev1.PodFailed, oomKilled)},
			want: Status{State: OOMKilled, Reason: "OOMKilled", OOMContainer: "ml", Message: "container ml exceeded its memory limit of 32Mi",
				ExitCode: code(137), MemoryLimit: "32Mi", Pod: "t1-a", Node: "node1", Finished: ptr(t0.Add(time.Minute))},
		},
		"failed job keeps its reason and the exit code": {
			job: job("t1", failed),
			pods: []corev1.Pod{pod("t1-a", corev1.PodFailed, func(p *corev1.Pod) {
				p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{
					Terminated: &corev1.ContainerStateTerminated{ExitCode: 2, Reason: "Error"}}}}
			})},
			want: Status{State: Failed, Reason: "BackoffLimitExceeded", Message: "Job has reached the specified backoff limit",
				ExitCode: code(2), Pod: "t1-a", Finished: ptr(t0.Add(2 * time.Minute))},
		},
		"pod OOM-killed before the Job notices": {
			job:  job("t1"),
			pods: []corev1.Pod{pod("t1-a", corev1.PodFailed, oomKilled)},
			want: Status{State: OOMKilled, Reason: "OOMKilled", OOMContainer: "ml", Message: "container ml exceeded its memory limit of 32Mi",
				ExitCode: code(137), MemoryLimit: "32Mi", Pod: "t1-a", Node: "node1", Finished: ptr(t0.Add(time.Minute))},
		},
		"succeeded although a child process was OOM-killed": {
			job: job("t1", complete),
			pods: []corev1.Pod{pod("t1-a", corev1.PodSucceeded, oomKilled, func(p *corev1.Pod) {
				p.Status.ContainerStatuses[0].State.Terminated.ExitCode = 0
			})},
			want: Status{State: Succeeded, Reason: "ProcessOOMKilled", MemoryLimit: "32Mi", Pod: "t1-a", Node: "node1", ExitCode: code(0), OOMContainer: "ml",
				Message: "a process of container ml was OOM-killed at its limit of 32Mi; the container still exited 0"},
		},
		"suspended job": {
			job: func() *batchv1.Job {
				j := job("t1")
				s := true
				j.Spec.Suspend = &s
				return j
			}(),
			want: Status{State: Suspended, Reason: "Suspended"},
		},
		"retried trial shows the newest pod and counts the replaced one": {
			job: job("t1"),
			pods: []corev1.Pod{
				pod("t1-a", corev1.PodFailed),
				pod("t1-b", corev1.PodPending, unschedulable, func(p *corev1.Pod) { p.CreationTimestamp = metav1.NewTime(t0.Add(time.Minute)) }),
			},
			want: Status{State: Pending, Reason: "Unschedulable", Pod: "t1-b", Restarts: 1,
				Message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := FromJob(tc.job, tc.pods)
			want := tc.want
			want.Name, want.Namespace, want.Experiment, want.Index, want.Created, want.Attempt = "t1", "ns", "exp", 3, t0, 1
			want.Labels = map[string]string{keys.Experiment: "exp"}
			want.Params = got.Params
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("FromJob() (-want +got):\n%s", diff)
			}
			if got.Params.String() != "lr=0.1,act=relu" {
				t.Errorf("params = %q, want lr=0.1,act=relu", got.Params.String())
			}
		})
	}
}

func TestFromJobsKeepsTrialOrderAndCounts(t *testing.T) {
	a, b := job("a"), job("b")
	a.Annotations[keys.Index], b.Annotations[keys.Index] = "1", "0"
	p := pod("a-x", corev1.PodRunning)
	p.Labels[keys.Trial] = "a"
	got := FromJobs([]batchv1.Job{*a, *b}, []corev1.Pod{p})
	if got[0].Name != "b" || got[1].Name != "a" {
		t.Fatalf("order = %s, %s; want b, a", got[0].Name, got[1].Name)
	}
	if got[1].State != Running || got[0].State != Pending {
		t.Errorf("states = %s, %s", got[0].State, got[1].State)
	}
	if s := Count(got).String(); s != "2 trials: 1 running, 1 pending" {
		t.Errorf("summary = %q", s)
	}
	if Count(got).Finished() {
		t.Error("Finished() = true with a running trial")
	}
}

func TestShortMessage(t *testing.T) {
	got := ShortMessage("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
	if want := "0/1 nodes are available: 1 Insufficient cpu."; got != want {
		t.Errorf("ShortMessage() = %q, want %q", got, want)
	}
}

func ptr(t time.Time) *time.Time { return &t }
