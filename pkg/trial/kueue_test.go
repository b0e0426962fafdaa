package trial

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

const noQuota = "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default, 500m more needed"

// queuedJob is a trial Job submitted to LocalQueue team-a, suspended or not.
func queuedJob(name string, suspended bool, conds ...batchv1.JobCondition) *batchv1.Job {
	j := job(name, conds...)
	j.UID = types.UID("uid-" + name)
	j.Labels[keys.KueueQueueName] = "team-a"
	j.Spec.Suspend = &suspended
	return j
}

func workloads(t *testing.T, objs ...runtime.Object) []kueue.Workload {
	t.Helper()
	out := make([]kueue.Workload, len(objs))
	for i, o := range objs {
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestApplyKueue(t *testing.T) {
	running := func(name string) []corev1.Pod {
		p := pod(name+"-x", corev1.PodRunning)
		p.Labels[keys.Trial] = name
		return []corev1.Pod{p}
	}
	evicted := kueuefake.Condition(kueue.CondEvicted, metav1.ConditionTrue, "Preempted", "Preempted to accommodate a workload (UID: x) due to prioritization in the ClusterQueue")
	preempted := kueuefake.Condition(kueue.CondPreempted, metav1.ConditionTrue, "InClusterQueue", "Preempted to accommodate a workload (UID: x) due to prioritization in the ClusterQueue")
	complete := batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}
	cases := map[string]struct {
		job       *batchv1.Job
		pods      []corev1.Pod
		wl        []func(*kueue.Workload) // nil: no Workload
		noKueue   bool
		state     State
		reason    string
		msg       string
		queue     string // PositionText
		workload  string
		cq        string
		notQueued bool // no Queueing at all
	}{
		"waiting for quota": {job: queuedJob("t1", true), wl: []func(*kueue.Workload){kueuefake.Pending(noQuota)},
			state: Queued, reason: "Pending", msg: noQuota, queue: "team-a #1 of 1", workload: "job-t1-1a2b3"},
		"not looked at yet": {job: queuedJob("t1", true), wl: []func(*kueue.Workload){},
			state: Queued, reason: ReasonWaiting, msg: "waiting for Kueue to consider it", queue: "team-a #1 of 1", workload: "job-t1-1a2b3"},
		"no Workload yet": {job: queuedJob("t1", true),
			state: Queued, reason: ReasonNoWorkload, msg: "Kueue has not created a Workload for this Job yet", queue: "team-a"},
		"no Kueue": {job: queuedJob("t1", true), noKueue: true,
			state: Queued, reason: ReasonNoWorkload, msg: "Kueue is not installed in this cluster: nothing admits this Job (kubectl mlexp resume releases it by hand)", queue: "team-a"},
		"admitted, running": {job: queuedJob("t1", false), pods: running("t1"), wl: []func(*kueue.Workload){kueuefake.Admitted("cq")},
			state: Running, reason: ReasonAdmitted, msg: "admitted by ClusterQueue cq", queue: "team-a", workload: "job-t1-1a2b3", cq: "cq"},
		"admitted, still suspended": {job: queuedJob("t1", true), wl: []func(*kueue.Workload){kueuefake.Admitted("cq")},
			state: Pending, reason: ReasonAdmitted, msg: "admitted by ClusterQueue cq; Kueue is starting the Job", queue: "team-a", workload: "job-t1-1a2b3", cq: "cq"},
		"preempted, back in line": {job: queuedJob("t1", true), wl: []func(*kueue.Workload){evicted, preempted, kueuefake.Pending(noQuota)},
			state: Queued, reason: "Preempted", msg: "Preempted to accommodate a workload (UID: x) due to prioritization in the ClusterQueue", queue: "team-a #1 of 1", workload: "job-t1-1a2b3"},
		"evicted, pod still stopping": {job: queuedJob("t1", false), pods: running("t1"), wl: []func(*kueue.Workload){kueuefake.Admitted("cq"), evicted, preempted},
			state: Running, reason: "Preempted", msg: "Preempted to accommodate a workload (UID: x) due to prioritization in the ClusterQueue", queue: "team-a", workload: "job-t1-1a2b3", cq: "cq"},
		"deactivated": {job: queuedJob("t1", true), wl: []func(*kueue.Workload){kueuefake.Inactive, kueuefake.Condition(kueue.CondEvicted, metav1.ConditionTrue, "Deactivated", "The workload is deactivated")},
			state: Suspended, reason: ReasonDeactivated, msg: "The workload is deactivated; kubectl mlexp resume puts it back in its queue", queue: "team-a", workload: "job-t1-1a2b3"},
		"reactivated, not looked at again": {job: queuedJob("t1", true), wl: []func(*kueue.Workload){
			kueuefake.Condition(kueue.CondEvicted, metav1.ConditionTrue, "Deactivated", "The workload is deactivated"),
			kueuefake.Condition(kueue.CondQuotaReserved, metav1.ConditionFalse, "Pending", "The workload is deactivated"),
			kueuefake.Condition(kueue.CondRequeued, metav1.ConditionTrue, "Reactivated", "The workload was reactivated")},
			state: Queued, reason: "Reactivated", msg: "The workload was reactivated", queue: "team-a #1 of 1", workload: "job-t1-1a2b3"},
		"reactivated, pending again": {job: queuedJob("t1", true), wl: []func(*kueue.Workload){
			kueuefake.Condition(kueue.CondEvicted, metav1.ConditionTrue, "Deactivated", "The workload is deactivated"),
			kueuefake.Pending(noQuota),
			kueuefake.Condition(kueue.CondRequeued, metav1.ConditionTrue, "Reactivated", "The workload was reactivated")},
			state: Queued, reason: "Pending", msg: noQuota, queue: "team-a #1 of 1", workload: "job-t1-1a2b3"},
		"finished keeps its state": {job: queuedJob("t1", false, complete), wl: []func(*kueue.Workload){kueuefake.Admitted("cq")},
			state: Succeeded, queue: "team-a", workload: "job-t1-1a2b3", cq: "cq"},
		"no queue label": {job: job("t1"), state: Pending, reason: "NoPod", msg: "the Job controller has not created a pod yet", notQueued: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var wls []kueue.Workload
			if tc.wl != nil {
				wls = workloads(t, kueuefake.Workload("v1beta2", tc.job, tc.wl...))
			}
			statuses := FromJobs([]batchv1.Job{*tc.job}, tc.pods)
			ApplyKueue(statuses, []batchv1.Job{*tc.job}, KueueView{Installed: !tc.noKueue, Workloads: wls})
			s := statuses[0]
			if s.State != tc.state || s.Reason != tc.reason || s.Message != tc.msg {
				t.Errorf("state = %s, %q, %q\nwant %s, %q, %q", s.State, s.Reason, s.Message, tc.state, tc.reason, tc.msg)
			}
			if tc.notQueued {
				if s.Queueing != nil {
					t.Errorf("Queueing = %+v for a Job without a queue", s.Queueing)
				}
				return
			}
			if s.Queueing == nil {
				t.Fatal("no Queueing")
			}
			if got := s.Queueing.PositionText(); got != tc.queue {
				t.Errorf("queue = %q, want %q", got, tc.queue)
			}
			if s.Queueing.Workload != tc.workload || s.Queueing.ClusterQueue != tc.cq {
				t.Errorf("workload, cluster queue = %q, %q; want %q, %q", s.Queueing.Workload, s.Queueing.ClusterQueue, tc.workload, tc.cq)
			}
		})
	}
}

// TestApplyKueuePositions: each queued trial knows its place in line, and
// the summary counts the queued trials apart from the suspended ones.
func TestApplyKueuePositions(t *testing.T) {
	var jobs []batchv1.Job
	var objs []runtime.Object
	for i, n := range []string{"t1", "t2", "t3"} {
		j := queuedJob(n, true)
		j.CreationTimestamp = metav1.NewTime(t0.Add(time.Duration(i) * time.Second))
		jobs = append(jobs, *j)
		mut := []func(*kueue.Workload){kueuefake.Pending(noQuota)}
		if n == "t3" {
			mut = []func(*kueue.Workload){kueuefake.Inactive}
		}
		objs = append(objs, kueuefake.Workload("v1beta2", j, mut...))
	}
	statuses := FromJobs(jobs, nil)
	ApplyKueue(statuses, jobs, KueueView{Installed: true, Workloads: workloads(t, objs...)})
	var got []string
	for _, s := range statuses {
		got = append(got, s.Name+" "+string(s.State)+" "+s.Queueing.PositionText())
	}
	want := []string{"t1 Queued team-a #1 of 2", "t2 Queued team-a #2 of 2", "t3 Suspended team-a"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
	if got := Count(statuses).String(); got != "3 trials: 2 queued, 1 suspended" {
		t.Errorf("summary = %q", got)
	}
}

func TestShortKueueMessage(t *testing.T) {
	if got := ShortKueueMessage(noQuota); got != "insufficient unused quota for cpu in flavor default, 500m more needed" {
		t.Errorf("ShortKueueMessage = %q", got)
	}
	if got := ShortKueueMessage("LocalQueue team-a doesn't exist"); !strings.HasPrefix(got, "LocalQueue") {
		t.Errorf("ShortKueueMessage changed a message it should keep: %q", got)
	}
}
