package trial

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// clusterJob is a trial's Job as the API server returns it: status, UID,
// generated selector and controller labels on the pod template.
func clusterJob(mem, req string) *batchv1.Job {
	j := job("t1", failedCond())
	j.UID = types.UID("uid-1")
	j.ResourceVersion = "42"
	j.Annotations[keys.SpecHash] = "filehash00000000"
	j.Annotations[keys.Results] = `{"source":"log","metrics":{"loss":1}}`
	j.Annotations[keys.PeakUsage] = `{"memoryBytes":33554432,"samples":2}`
	j.Annotations["batch.kubernetes.io/job-tracking"] = ""
	j.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{batchv1.ControllerUidLabel: "uid-1"}}
	j.Spec.Template.Labels = map[string]string{keys.Trial: "t1", batchv1.ControllerUidLabel: "uid-1", "controller-uid": "uid-1",
		batchv1.JobNameLabel: "t1", "job-name": "t1"}
	c := corev1.Container{Name: "ml", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
		corev1.ResourceMemory: resource.MustParse(mem), corev1.ResourceCPU: resource.MustParse("1")}}}
	if req != "" {
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(req)}
	}
	j.Spec.Template.Spec.Containers = []corev1.Container{{Name: "side"}, c}
	return j
}

// fetched returns j as kube.FetchJobs returns it from a cluster that holds
// it: the only way to make the kube.FullJob a retry starts from.
func fetched(t *testing.T, j *batchv1.Job) kube.FullJob {
	t.Helper()
	full, err := kube.FetchJobs(context.Background(), fake.NewClientset(j.DeepCopy()), j.Namespace, keys.ForExperiment("exp"), []string{j.Name})
	if err != nil || full[j.Name].Job() == nil {
		t.Fatalf("fetch %s: %v, %v", j.Name, full, err)
	}
	return full[j.Name]
}

func oomStatus(j *batchv1.Job) Status {
	p := pod("t1-a", corev1.PodFailed, oomKilled)
	p.Spec = j.Spec.Template.Spec
	p.Spec.NodeName = "node1"
	p.Status.ContainerStatuses[0].Name = "ml"
	return FromJob(j, []corev1.Pod{p})
}

func memOf(j *batchv1.Job, field string) string {
	return quantity(&j.Spec.Template.Spec.Containers[1], field)
}

func TestRetryJobDoublesTheOOMKilledContainer(t *testing.T) {
	old := clusterJob("32Mi", "16Mi")
	s := oomStatus(old)
	r, err := RetryJob(fetched(t, old), &s, Resize{MemoryFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	j := r.Job
	if got := memOf(j, LimitsMemory) + "/" + memOf(j, RequestsMemory); got != "64Mi/32Mi" {
		t.Errorf("limit/request = %s, want 64Mi/32Mi", got)
	}
	if len(j.Spec.Template.Spec.Containers[0].Resources.Limits) != 0 {
		t.Error("the other container's resources changed")
	}
	want := []Change{{Container: "ml", Field: LimitsMemory, From: "32Mi", To: "64Mi"}, {Container: "ml", Field: RequestsMemory, From: "16Mi", To: "32Mi"}}
	if diff := cmp.Diff(want, r.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	// What the API server and the Job controller set is gone; the trial's
	// identity stays.
	if j.UID != "" || j.ResourceVersion != "" || j.Spec.Selector != nil || len(j.Status.Conditions) != 0 {
		t.Errorf("server fields kept: uid %q rv %q selector %v status %v", j.UID, j.ResourceVersion, j.Spec.Selector, j.Status)
	}
	if diff := cmp.Diff(map[string]string{keys.Trial: "t1"}, j.Spec.Template.Labels); diff != "" {
		t.Errorf("template labels (-want +got):\n%s", diff)
	}
	if j.Name != "t1" || j.Annotations[keys.Index] != "3" || j.Annotations[keys.Params] == "" {
		t.Errorf("name/index/params changed: %s %v", j.Name, j.Annotations)
	}
	for _, k := range []string{keys.Results, keys.PeakUsage, "batch.kubernetes.io/job-tracking"} {
		if _, ok := j.Annotations[k]; ok {
			t.Errorf("annotation %s kept", k)
		}
	}
	h, err := DecodeAttempts(j.Annotations[keys.Attempts])
	if err != nil || len(h) != 1 || h[0].State != OOMKilled || h[0].MemoryLimits["ml"] != "32Mi" || h[0].Node != "node1" {
		t.Fatalf("attempts = %+v, %v", h, err)
	}
	o, err := DecodeOverride(j.Annotations[keys.Override])
	if err != nil || o.Base != "filehash00000000" || len(o.Changes) != 2 {
		t.Fatalf("override = %+v, %v", o, err)
	}
	if j.Annotations[keys.SpecHash] != o.SpecHash() || o.SpecHash() == o.Base {
		t.Errorf("spec hash %s, want the override's %s", j.Annotations[keys.SpecHash], o.SpecHash())
	}
}

func TestRetryJobSecondOOMDoublesAgainFromTheFilesValue(t *testing.T) {
	old := clusterJob("32Mi", "")
	s := oomStatus(old)
	first, err := RetryJob(fetched(t, old), &s, Resize{MemoryFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	again := first.Job.DeepCopy()
	again.Status.Conditions = old.Status.Conditions
	s2 := oomStatus(again)
	if s2.Attempt != 2 || s2.MemoryLimit != "64Mi" {
		t.Fatalf("second run: attempt %d limit %s", s2.Attempt, s2.MemoryLimit)
	}
	second, err := RetryJob(fetched(t, again), &s2, Resize{MemoryFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := memOf(second.Job, LimitsMemory); got != "128Mi" {
		t.Errorf("limit = %s, want 128Mi", got)
	}
	o, _ := DecodeOverride(second.Job.Annotations[keys.Override])
	want := &Override{Base: "filehash00000000", Changes: []Change{{Container: "ml", Field: LimitsMemory, From: "32Mi", To: "128Mi"}}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("override (-want +got):\n%s", diff)
	}
	h, _ := DecodeAttempts(second.Job.Annotations[keys.Attempts])
	if len(h) != 2 || h[0].MemoryLimits["ml"] != "32Mi" || h[1].MemoryLimits["ml"] != "64Mi" || h[1].Attempt != 2 {
		t.Errorf("history = %+v", h)
	}
}

// TestRetryJobDoublesEveryTrialThatRanOutOfMemory: a likely OOM kill
// (the runtime said Error, exit 137) and a process OOM-killed in a
// container that exited 0 get more memory as an OOMKilled trial does, and
// the history says how the attempt ended.
func TestRetryJobDoublesEveryTrialThatRanOutOfMemory(t *testing.T) {
	complete := batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}
	cases := map[string]struct {
		cond    batchv1.JobCondition
		phase   corev1.PodPhase
		mutate  func(*corev1.Pod)
		reason  string
		summary string
	}{
		"likely OOM-killed": {failedCond(), corev1.PodFailed, killed, ReasonLikelyOOMKilled,
			"Failed: Killed (exit 137) — likely out of memory at 32Mi; the runtime did not report OOMKilled"},
		"a process OOM-killed": {complete, corev1.PodSucceeded, func(p *corev1.Pod) {
			oomKilled(p)
			p.Status.ContainerStatuses[0].State.Terminated.ExitCode = 0
		}, ReasonProcessOOMKilled, "Succeeded ProcessOOMKilled at limit 32Mi (exit 0)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			old := clusterJob("32Mi", "16Mi")
			old.Status.Conditions = []batchv1.JobCondition{tc.cond}
			p := pod("t1-a", tc.phase, tc.mutate)
			p.Spec = old.Spec.Template.Spec
			p.Status.ContainerStatuses[0].Name = "ml"
			s := FromJob(old, []corev1.Pod{p})
			if s.Reason != tc.reason || !s.OutOfMemory() {
				t.Fatalf("status %s/%s, want reason %s", s.State, s.Reason, tc.reason)
			}
			r, err := RetryJob(fetched(t, old), &s, Resize{MemoryFactor: 2})
			if err != nil {
				t.Fatal(err)
			}
			if got := memOf(r.Job, LimitsMemory) + "/" + memOf(r.Job, RequestsMemory); got != "64Mi/32Mi" {
				t.Errorf("limit/request = %s, want 64Mi/32Mi (warnings %q)", got, r.Warnings)
			}
			h, err := DecodeAttempts(r.Job.Annotations[keys.Attempts])
			if err != nil || len(h) != 1 || h[0].Summary() != tc.summary {
				t.Errorf("attempts = %+v, %v; want one ending %q", h, err, tc.summary)
			}
		})
	}
}

// TestSurvivedOOM: a retry of the failed trials leaves a trial that
// succeeded with a process OOM-killed, and names it; --all takes it.
func TestSurvivedOOM(t *testing.T) {
	kept := []Status{{Name: "a", State: Succeeded, Reason: ReasonProcessOOMKilled}, {Name: "b", State: Succeeded},
		{Name: "c", State: Failed, Reason: ReasonLikelyOOMKilled}}
	chosen, _, _ := SelectRetry(kept, RetryFailed, false)
	left := SurvivedOOM(kept, RetryFailed)
	if len(chosen) != 1 || chosen[0].Name != "c" || len(left) != 1 || left[0].Name != "a" {
		t.Errorf("retry failed: chosen %v, left %v; want c chosen and a named", chosen, left)
	}
	if left := SurvivedOOM(kept, RetryFinished); len(left) != 0 {
		t.Errorf("retry --all leaves %v", left)
	}
}

func TestRetryJobSetsMemoryAndCPUOutright(t *testing.T) {
	old := clusterJob("32Mi", "16Mi")
	s := oomStatus(old)
	mem, cpu := resource.MustParse("1Gi"), resource.MustParse("500m")
	r, err := RetryJob(fetched(t, old), &s, Resize{MemoryFactor: 2, Memory: &mem, CPU: &cpu})
	if err != nil {
		t.Fatal(err)
	}
	c := &r.Job.Spec.Template.Spec.Containers[1]
	got := []string{quantity(c, LimitsMemory), quantity(c, RequestsMemory), quantity(c, LimitsCPU), quantity(c, RequestsCPU)}
	if diff := cmp.Diff([]string{"1Gi", "1Gi", "500m", ""}, got); diff != "" {
		t.Errorf("limits/requests (-want +got):\n%s", diff)
	}
	if _, err := RetryJob(fetched(t, old), &s, Resize{Memory: &mem, Container: "nope"}); err == nil || !strings.Contains(err.Error(), `--container: no container "nope" (containers: side, ml)`) {
		t.Errorf("unknown --container: err = %v", err)
	}
}

func TestRetryJobOfAFailureChangesOnlyTheHistory(t *testing.T) {
	old := clusterJob("32Mi", "")
	s := FromJob(old, nil)
	r, err := RetryJob(fetched(t, old), &s, Resize{MemoryFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 0 || memOf(r.Job, LimitsMemory) != "32Mi" {
		t.Errorf("a non-OOM failure got more memory: %v", r.Changes)
	}
	if r.Job.Annotations[keys.SpecHash] != "filehash00000000" || r.Job.Annotations[keys.Override] != "" {
		t.Errorf("spec hash %q override %q, want the file's hash and none", r.Job.Annotations[keys.SpecHash], r.Job.Annotations[keys.Override])
	}
}

func TestRetryJobWithoutAMemoryLimitWarns(t *testing.T) {
	old := clusterJob("32Mi", "")
	delete(old.Spec.Template.Spec.Containers[1].Resources.Limits, corev1.ResourceMemory)
	s := oomStatus(old)
	r, err := RetryJob(fetched(t, old), &s, Resize{MemoryFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 0 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "no memory limit") {
		t.Errorf("changes %v warnings %q", r.Changes, r.Warnings)
	}
}

func TestCarryOverride(t *testing.T) {
	old := clusterJob("32Mi", "")
	s := oomStatus(old)
	r, err := RetryJob(fetched(t, old), &s, Resize{MemoryFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	render := func(mem, hash string) *batchv1.Job {
		j := clusterJob(mem, "")
		j.Annotations = map[string]string{keys.SpecHash: hash}
		return j
	}
	// The unchanged file: the override applies and the hashes meet.
	same := render("32Mi", "filehash00000000")
	if !CarryOverride(same, r.Job) {
		t.Fatal("override not carried onto the unchanged file's Job")
	}
	if same.Annotations[keys.SpecHash] != r.Job.Annotations[keys.SpecHash] || memOf(same, LimitsMemory) != "64Mi" {
		t.Errorf("unchanged file: hash %s limit %s, want %s 64Mi", same.Annotations[keys.SpecHash], memOf(same, LimitsMemory), r.Job.Annotations[keys.SpecHash])
	}
	// Another edit of the file: the bump stays, the hash differs.
	edited := render("32Mi", "edited0000000000")
	if !CarryOverride(edited, r.Job) || memOf(edited, LimitsMemory) != "64Mi" || edited.Annotations[keys.SpecHash] == r.Job.Annotations[keys.SpecHash] {
		t.Errorf("edited file: limit %s hash %s", memOf(edited, LimitsMemory), edited.Annotations[keys.SpecHash])
	}
	// The file now sets the memory itself: the file wins.
	mine := render("256Mi", "memory0000000000")
	if CarryOverride(mine, r.Job) || memOf(mine, LimitsMemory) != "256Mi" || mine.Annotations[keys.SpecHash] != "memory0000000000" {
		t.Errorf("file's own memory: limit %s hash %s", memOf(mine, LimitsMemory), mine.Annotations[keys.SpecHash])
	}
	// A Job without an override, or with a broken one, carries nothing.
	plain := render("32Mi", "filehash00000000")
	if CarryOverride(plain, old) {
		t.Error("carried an override from a Job without one")
	}
	bad := r.Job.DeepCopy()
	bad.Annotations[keys.Override] = `{"changes":[{"field":"limits.gpu","to":"1"}]}`
	if CarryOverride(plain, bad) {
		t.Error("carried a broken override")
	}
}

func TestOverrideSetDropsAChangeBack(t *testing.T) {
	var o Override
	o.Set("ml", LimitsMemory, "32Mi", "64Mi")
	o.Set("ml", LimitsMemory, "64Mi", "32Mi")
	if len(o.Changes) != 0 {
		t.Errorf("changes = %v, want none after setting the file's value back", o.Changes)
	}
	o.Set("ml", LimitsMemory, "1Gi", "1024Mi")
	if len(o.Changes) != 0 {
		t.Errorf("a change to an equal quantity was kept: %v", o.Changes)
	}
}

func TestSelectRetry(t *testing.T) {
	st := func(name string, state State) Status { return Status{Name: name, State: state} }
	all := []Status{st("a", Succeeded), st("b", Failed), st("c", OOMKilled), st("d", Running), st("e", Pending)}
	names := func(ss []Status) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return strings.Join(out, ",")
	}
	chosen, waiting, err := SelectRetry(all, RetryFailed, false)
	if err != nil || names(chosen) != "b,c" || names(waiting) != "d,e" {
		t.Errorf("failed: chosen %s waiting %s err %v", names(chosen), names(waiting), err)
	}
	chosen, _, err = SelectRetry(all, RetryFinished, false)
	if err != nil || names(chosen) != "a,b,c" {
		t.Errorf("all: chosen %s err %v", names(chosen), err)
	}
	_, _, err = SelectRetry(all[2:4], RetryFinished, true)
	if err == nil || !strings.Contains(err.Error(), "only a finished trial can be retried: d is Running") {
		t.Errorf("named running trial: err = %v", err)
	}
}

func TestPodMemoryRequest(t *testing.T) {
	spec := corev1.PodSpec{
		Containers: []corev1.Container{
			{Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}},
			{Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("512Mi")},
				Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")}}},
		},
		InitContainers: []corev1.Container{{Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}}},
	}
	if got := PodMemoryRequest(&spec); got.String() != "1536Mi" {
		t.Errorf("PodMemoryRequest = %s, want 1536Mi", got.String())
	}
}
