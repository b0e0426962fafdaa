package trial

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// killed is a pod whose container ml (32Mi limit) was SIGKILLed and
// reported Error, exit 137: what the runtime says when the exit beats the
// OOM event.
func killed(p *corev1.Pod) {
	p.Spec.NodeName = "node1"
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: 137, Reason: "Error", FinishedAt: metav1.NewTime(t0.Add(time.Minute))}}}}
}

func backoffFailed() batchv1.JobCondition {
	return batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded",
		Message: "Job has reached the specified backoff limit", LastTransitionTime: metav1.NewTime(t0.Add(2 * time.Minute))}
}

const likelyMsg = "container ml was killed (exit 137), most likely for exceeding its memory limit of 32Mi: the runtime reported Error, not OOMKilled, " +
	"as it does when the exit comes before the kernel's OOM event, and no deletion, eviction, deadline or probe explains the kill"

// TestLikelyOOM goes through the rule of likelyOOM: the kill that meets it
// is Failed/LikelyOOMKilled with the limit, and breaking any one condition
// leaves the plain failure (BackoffLimitExceeded, exit 137).
func TestLikelyOOM(t *testing.T) {
	code := func(c int32) *int32 { return &c }
	likely := func(msg string) Status {
		return Status{State: Failed, Reason: ReasonLikelyOOMKilled, Message: msg, ExitCode: code(137), MemoryLimit: "32Mi",
			OOMContainer: "ml", Pod: "t1-a", Node: "node1", Finished: ptr(t0.Add(time.Minute))}
	}
	plain := func(exit int32, msg string) Status {
		if msg == "" {
			msg = "Job has reached the specified backoff limit"
		}
		return Status{State: Failed, Reason: "BackoffLimitExceeded", Message: msg, ExitCode: code(exit), Pod: "t1-a", Node: "node1",
			Finished: ptr(t0.Add(2 * time.Minute))}
	}
	withPeak := func(bytes string) func(*batchv1.Job) {
		return func(j *batchv1.Job) {
			j.Annotations[keys.PeakUsage] = `{"cpuMillicores":180,"memoryBytes":` + bytes + `,"samples":4}`
		}
	}
	cases := map[string]struct {
		job  func(*batchv1.Job)
		pod  func(*corev1.Pod)
		want Status
	}{
		"SIGKILL at a memory limit, nothing else, no sample": {
			want: likely(likelyMsg + "; no usage sample was recorded (top -w --record)"),
		},
		"recorded peak near the limit": {
			job:  withPeak("31457280"), // 30Mi of 32Mi
			want: likely(likelyMsg + "; its memory was last recorded at 94% of the limit"),
		},
		"reason empty counts as Error": {
			pod:  func(p *corev1.Pod) { p.Status.ContainerStatuses[0].State.Terminated.Reason = "" },
			want: likely(strings.Replace(likelyMsg, "reported Error", "reported no reason", 1) + "; no usage sample was recorded (top -w --record)"),
		},
		"recorded peak far from the limit": {
			job: withPeak("3355443"), // 3.2Mi of 32Mi
			want: plain(137, "Job has reached the specified backoff limit; container ml was killed (exit 137) but its memory was recorded "+
				"at most at 10% of its limit of 32Mi, so it is not taken for out of memory"),
		},
		"another exit code": {
			pod:  func(p *corev1.Pod) { p.Status.ContainerStatuses[0].State.Terminated.ExitCode = 1 },
			want: plain(1, ""),
		},
		"another runtime reason": {
			pod:  func(p *corev1.Pod) { p.Status.ContainerStatuses[0].State.Terminated.Reason = "ContainerStatusUnknown" },
			want: plain(137, ""),
		},
		"another signal": {
			pod:  func(p *corev1.Pod) { p.Status.ContainerStatuses[0].State.Terminated.Signal = 15 },
			want: plain(137, ""),
		},
		"no memory limit": {
			pod:  func(p *corev1.Pod) { p.Spec.Containers[0].Resources.Limits = nil },
			want: plain(137, ""),
		},
		"a liveness probe": {
			pod:  func(p *corev1.Pod) { p.Spec.Containers[0].LivenessProbe = &corev1.Probe{} },
			want: plain(137, ""),
		},
		"a startup probe": {
			pod:  func(p *corev1.Pod) { p.Spec.Containers[0].StartupProbe = &corev1.Probe{} },
			want: plain(137, ""),
		},
		"pod being deleted": {
			pod: func(p *corev1.Pod) {
				now := metav1.NewTime(t0)
				p.DeletionTimestamp = &now
			},
			want: plain(137, ""),
		},
		"pod evicted": {
			pod:  func(p *corev1.Pod) { p.Status.Reason = "Evicted" },
			want: plain(137, ""),
		},
		"pod preempted": {
			pod: func(p *corev1.Pod) {
				p.Status.Conditions = []corev1.PodCondition{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "PreemptionByScheduler"}}
			},
			want: plain(137, ""),
		},
		"Job past its deadline": {
			job: func(j *batchv1.Job) {
				j.Status.Conditions[0].Reason, j.Status.Conditions[0].Message = batchv1.JobReasonDeadlineExceeded, "Job was active longer than specified deadline"
			},
			want: func() Status {
				s := plain(137, "Job was active longer than specified deadline")
				s.Reason = batchv1.JobReasonDeadlineExceeded
				return s
			}(),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			j := job("t1", backoffFailed())
			if tc.job != nil {
				tc.job(j)
			}
			p := pod("t1-a", corev1.PodFailed, killed)
			if tc.pod != nil {
				tc.pod(&p)
			}
			got := FromJob(j, []corev1.Pod{p})
			want := tc.want
			want.Name, want.Namespace, want.Experiment, want.Index, want.Created, want.Attempt = "t1", "ns", "exp", 3, t0, 1
			want.Labels, want.Params = j.Labels, got.Params
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("FromJob() (-want +got):\n%s", diff)
			}
			if out := got.OutOfMemory(); out != (want.Reason == ReasonLikelyOOMKilled) {
				t.Errorf("OutOfMemory() = %v", out)
			}
		})
	}
}

// TestLikelyOOMBeforeTheJobNotices: a failed pod of a Job not failed yet
// reads the same, and a restarted container says why it restarted.
func TestLikelyOOMBeforeTheJobNotices(t *testing.T) {
	s := FromJob(job("t1"), []corev1.Pod{pod("t1-a", corev1.PodFailed, killed)})
	if s.State != Failed || s.Reason != ReasonLikelyOOMKilled || s.MemoryLimit != "32Mi" || s.OOMContainer != "ml" {
		t.Errorf("failed pod: %s/%s limit %q container %q", s.State, s.Reason, s.MemoryLimit, s.OOMContainer)
	}
	restarted := pod("t1-a", corev1.PodRunning, killed, func(p *corev1.Pod) {
		cs := &p.Status.ContainerStatuses[0]
		cs.LastTerminationState, cs.State = cs.State, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
		cs.RestartCount = 1
	})
	if s := FromJob(job("t1"), []corev1.Pod{restarted}); s.State != Running || s.Reason != "Restarted after a likely OOM kill" {
		t.Errorf("restarted pod: %s/%s", s.State, s.Reason)
	}
}

// TestReportedOOMWinsOverLikely: an OOMKilled reported by the runtime in
// any pod of the trial makes it OOMKilled, even when a later pod's kill
// is only likely.
func TestReportedOOMWinsOverLikely(t *testing.T) {
	later := pod("t1-b", corev1.PodFailed, killed, func(p *corev1.Pod) {
		p.CreationTimestamp = metav1.NewTime(t0.Add(time.Minute))
		p.Status.ContainerStatuses[0].State.Terminated.FinishedAt = metav1.NewTime(t0.Add(3 * time.Minute))
	})
	s := FromJob(job("t1", backoffFailed()), []corev1.Pod{pod("t1-a", corev1.PodFailed, oomKilled), later})
	if s.State != OOMKilled || s.Pod != "t1-a" {
		t.Errorf("state %s pod %s, want OOMKilled from t1-a", s.State, s.Pod)
	}
}

// TestReasonTextTellsHowMemoryRanOut: the cell status, wait and describe
// print for each way a trial runs out of memory.
func TestReasonTextTellsHowMemoryRanOut(t *testing.T) {
	oom := FromJob(job("t1", backoffFailed()), []corev1.Pod{pod("t1-a", corev1.PodFailed, oomKilled)})
	likely := FromJob(job("t1", backoffFailed()), []corev1.Pod{pod("t1-a", corev1.PodFailed, killed)})
	process := FromJob(job("t1", batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}),
		[]corev1.Pod{pod("t1-a", corev1.PodSucceeded, oomKilled, func(p *corev1.Pod) { p.Status.ContainerStatuses[0].State.Terminated.ExitCode = 0 })})
	for _, c := range []struct {
		s    Status
		wide bool
		want string
	}{
		{oom, false, "OOMKilled at limit 32Mi (exit 137)"},
		{likely, false, "Killed (exit 137) — likely out of memory at 32Mi; the runtime did not report OOMKilled"},
		{likely, true, "Killed (exit 137) — likely out of memory at 32Mi; the runtime did not report OOMKilled: " + likelyMsg + "; no usage sample was recorded (top -w --record)"},
		{process, false, "ProcessOOMKilled at limit 32Mi (exit 0)"},
		{process, true, "ProcessOOMKilled at limit 32Mi (exit 0): a process of container ml was OOM-killed at its limit of 32Mi; the container still exited 0"},
	} {
		if got := c.s.ReasonText(c.wide); got != c.want {
			t.Errorf("%s/%s ReasonText(%v) = %q, want %q", c.s.State, c.s.Reason, c.wide, got, c.want)
		}
	}
	if !oom.OutOfMemory() || !likely.OutOfMemory() || !process.OutOfMemory() {
		t.Errorf("OutOfMemory() = %v, %v, %v; want all true", oom.OutOfMemory(), likely.OutOfMemory(), process.OutOfMemory())
	}
	for _, s := range []*Status{&likely, &process} {
		a := NewAttempt(s, &batchv1.Job{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: pod("t1-a", corev1.PodFailed).Spec}}})
		want := map[State]string{Failed: "Failed: " + likely.ReasonText(false), Succeeded: "Succeeded " + process.ReasonText(false)}[s.State]
		if got := a.Summary(); got != want {
			t.Errorf("attempt after %s: Summary() = %q, want %q", s.State, got, want)
		}
	}
}

// TestSummaryNamesHowMemoryRanOut: the summary line counts the trials that
// ran out of memory without their state saying so.
func TestSummaryNamesHowMemoryRanOut(t *testing.T) {
	st := func(state State, reason string) Status { return Status{State: state, Reason: reason} }
	cases := []struct {
		in   []Status
		want string
	}{
		{[]Status{st(Succeeded, ""), st(Succeeded, ""), st(Failed, ReasonLikelyOOMKilled)}, "3 trials: 2 succeeded, 1 failed (likely out of memory)"},
		{[]Status{st(Succeeded, ReasonProcessOOMKilled), st(Succeeded, ""), st(OOMKilled, ReasonOOMKilled)}, "3 trials: 2 succeeded (1 with a process OOM-killed), 1 oomkilled"},
		{[]Status{st(Failed, ReasonLikelyOOMKilled), st(Failed, "BackoffLimitExceeded"), st(Failed, ReasonLikelyOOMKilled)}, "3 trials: 3 failed (2 likely out of memory)"},
		{[]Status{st(Succeeded, ReasonProcessOOMKilled)}, "1 trial: 1 succeeded (with a process OOM-killed)"},
		{[]Status{st(Running, ""), st(Pending, "")}, "2 trials: 1 running, 1 pending"},
	}
	for _, c := range cases {
		if got := Summarize(c.in).String(); got != c.want {
			t.Errorf("Summarize().String() = %q, want %q", got, c.want)
		}
	}
}

// TestMemoryKillsOfAPod: what events lists, in the words of status.
func TestMemoryKillsOfAPod(t *testing.T) {
	p := pod("t1-a", corev1.PodRunning, killed, func(p *corev1.Pod) {
		cs := &p.Status.ContainerStatuses[0]
		cs.LastTerminationState = cs.State
		cs.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: ReasonOOMKilled}}
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{Name: "side", State: corev1.ContainerState{
			Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "Error"}}}) // no limit: not an OOM
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "side"})
	})
	var got []string
	for _, k := range MemoryKills(nil, &p) {
		got = append(got, k.Container+" "+k.Reason+": "+k.Message)
	}
	want := []string{
		"ml ProcessOOMKilled: a process of container ml was OOM-killed at its limit of 32Mi; the container still exited 0",
		"ml LikelyOOMKilled: " + likelyMsg + "; no usage sample was recorded (top -w --record)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MemoryKills (-want +got):\n%s", diff)
	}
}

func TestPeakMemory(t *testing.T) {
	j := job("t1")
	if _, ok := PeakMemory(j); ok {
		t.Error("a Job without the annotation has a peak")
	}
	if _, ok := PeakMemory(nil); ok {
		t.Error("a nil Job has a peak")
	}
	for v, want := range map[string]int64{`{"memoryBytes":42,"samples":1}`: 42, `{"cpuMillicores":5,"samples":1}`: -1, `not json`: -1} {
		j.Annotations[keys.PeakUsage] = v
		got, ok := PeakMemory(j)
		if (want >= 0) != ok || (ok && got != want) {
			t.Errorf("PeakMemory(%s) = %d, %v; want %d", v, got, ok, want)
		}
	}
}
