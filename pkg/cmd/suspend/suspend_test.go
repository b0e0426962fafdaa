package suspend

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// trialJob is trial i of experiment exp: "run" (unfinished, runnable),
// "susp" (suspended), "done" (succeeded) or "queued" (suspended, in
// LocalQueue team-a).
func trialJob(i int, state string) *batchv1.Job {
	j := kubefake.Job("ml", "exp", fmt.Sprintf("exp-%08d", i), kubefake.UID(), kubefake.Created(t0.Add(time.Duration(i)*time.Second)),
		kubefake.Index(i), kubefake.Params(fmt.Sprintf(`{"n":%d}`, i)))
	yes := true
	switch state {
	case "susp":
		j.Spec.Suspend = &yes
	case "done":
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	case "queued":
		j.Spec.Suspend = &yes
		j.Labels[keys.KueueQueueName] = "team-a"
	}
	return j
}

type cluster struct {
	c   *fake.Clientset
	dyn *dynamicfake.FakeDynamicClient
	g   *kubefake.Getter
}

func newCluster(kueueServed bool, objs []runtime.Object, wls ...runtime.Object) *cluster {
	c := fake.NewClientset(objs...)
	kubefake.AllowAll(c)
	if kueueServed {
		kueuefake.Serve(c, "v1beta2")
	}
	dyn := kueuefake.NewDynamic(wls...)
	return &cluster{c: c, dyn: dyn, g: &kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}}
}

func (cl *cluster) run(t *testing.T, resume bool, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}
	cmd := NewCmdSuspend(cl.g, streams)
	if resume {
		cmd = NewCmdResume(cl.g, streams)
	}
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// patches lists the patches sent, as "resource name body".
func (cl *cluster) patches() []string {
	var out []string
	for _, a := range append(cl.c.Actions(), cl.dyn.Actions()...) {
		if p, ok := a.(k8stesting.PatchAction); ok {
			out = append(out, fmt.Sprintf("%s %s %s", a.GetResource().Resource, p.GetName(), p.GetPatch()))
		}
	}
	return out
}

func (cl *cluster) suspended(t *testing.T, name string) bool {
	t.Helper()
	j, err := cl.c.BatchV1().Jobs("ml").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return j.Spec.Suspend != nil && *j.Spec.Suspend
}

func TestSuspend(t *testing.T) {
	cl := newCluster(false, []runtime.Object{trialJob(0, "done"), trialJob(1, "run"), trialJob(2, "susp"), trialJob(3, "run")})
	out, errOut, err := cl.run(t, false, "exp")
	if err != nil {
		t.Fatal(err)
	}
	want := "job.batch/exp-00000001 suspended\njob.batch/exp-00000003 suspended\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if want := `suspended 2 trial(s) of experiment "exp" (left alone: 1 already suspended, 1 finished)` + "\n"; errOut != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
	var verbs []string
	for _, a := range cl.c.Actions() {
		verbs = append(verbs, a.GetVerb())
	}
	if got := strings.Join(verbs, ","); got != "list,create,patch,patch" {
		t.Errorf("calls = %s, want one list, one access review (create) and one patch per trial", got)
	}
	for _, n := range []string{"exp-00000001", "exp-00000003"} {
		if !cl.suspended(t, n) {
			t.Errorf("%s not suspended", n)
		}
	}
}

func TestResumeCountInOrder(t *testing.T) {
	var objs []runtime.Object
	for i := 9; i >= 0; i-- { // listed out of order: the index decides
		state := "susp"
		if i == 0 {
			state = "run"
		}
		objs = append(objs, trialJob(i, state))
	}
	cl := newCluster(false, objs)
	out, errOut, err := cl.run(t, true, "exp", "--count", "3")
	if err != nil {
		t.Fatal(err)
	}
	want := "job.batch/exp-00000001 resumed\njob.batch/exp-00000002 resumed\njob.batch/exp-00000003 resumed\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if !strings.Contains(errOut, `resumed 3 trial(s) of experiment "exp" (left alone: 6 beyond --count, 1 not suspended)`) {
		t.Errorf("stderr: %s", errOut)
	}
	for i := 1; i <= 9; i++ {
		if got, want := cl.suspended(t, fmt.Sprintf("exp-%08d", i)), i > 3; got != want {
			t.Errorf("trial %d suspended = %v, want %v", i, got, want)
		}
	}
	for _, p := range cl.patches() {
		if !strings.HasSuffix(p, `{"spec":{"suspend":false}}`) {
			t.Errorf("patch %s", p)
		}
	}
}

func TestSuspendNarrowed(t *testing.T) {
	cl := newCluster(false, []runtime.Object{trialJob(1, "run"), trialJob(2, "run"), trialJob(3, "run")})
	out, _, err := cl.run(t, false, "exp", "--param-selector", "n!=2", "--trial", "00000001", "-o", "name")
	if err != nil {
		t.Fatal(err)
	}
	if out != "job.batch/exp-00000001\n" {
		t.Errorf("stdout = %q", out)
	}
	_, _, err = cl.run(t, false, "exp", "--trial", "00000009")
	if err == nil || !strings.Contains(err.Error(), `--trial: exp-00000009 not in experiment "exp"`) {
		t.Errorf("err = %v", err)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	cl := newCluster(false, []runtime.Object{trialJob(1, "susp")})
	out, _, err := cl.run(t, true, "exp", "--dry-run=client")
	if err != nil {
		t.Fatal(err)
	}
	if out != "job.batch/exp-00000001 resumed (dry run)\n" || len(cl.patches()) != 0 {
		t.Errorf("dry run: stdout %q, patches %v", out, cl.patches())
	}
}

func TestValidate(t *testing.T) {
	cl := newCluster(false, []runtime.Object{trialJob(1, "susp")})
	for args, want := range map[string]string{
		"exp --count 0":   "--count: must be at least 1, got 0",
		"exp -o wide":     `--output: unknown format "wide" (allowed: json, yaml, name, jsonpath=, jsonpath-file=, jsonpath-as-json=, go-template=, go-template-file=)`,
		"nope":            `experiment "nope" not found in namespace "ml" (no Jobs with label mlexp.dev/experiment=nope)`,
		"exp -l team=x":   `no trial of experiment "exp" in namespace "ml" matches --selector team=x`,
		"exp --dry-run=x": `--dry-run: invalid dry-run value (x). Must be "none", "server", or "client".`,
	} {
		_, _, err := cl.run(t, true, strings.Fields(args)...)
		if err == nil || err.Error() != want {
			t.Errorf("resume %s: err = %v, want %s", args, err, want)
		}
	}
}

// TestKueueTrials: trials of a Kueue queue are suspended and resumed
// through their Workloads' spec.active, never their Jobs' spec.suspend,
// which Kueue owns; a trial waiting in the queue is not resumed by hand.
func TestKueueTrials(t *testing.T) {
	waiting, admitted, deactivated := trialJob(1, "queued"), trialJob(2, "queued"), trialJob(3, "queued")
	no := false
	admitted.Spec.Suspend = &no
	objs := []runtime.Object{waiting, admitted, deactivated}
	wls := []runtime.Object{
		kueuefake.Workload("v1beta2", waiting, kueuefake.Pending("no quota")),
		kueuefake.Workload("v1beta2", admitted, kueuefake.Admitted("cq")),
		kueuefake.Workload("v1beta2", deactivated, kueuefake.Inactive),
	}
	cl := newCluster(true, objs, wls...)
	out, _, err := cl.run(t, false, "exp")
	if err != nil {
		t.Fatal(err)
	}
	want := "job.batch/exp-00000001 suspended (workload.kueue.x-k8s.io/job-exp-00000001-1a2b3 deactivated)\n" +
		"job.batch/exp-00000002 suspended (workload.kueue.x-k8s.io/job-exp-00000002-1a2b3 deactivated)\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("suspend stdout (-want +got):\n%s", diff)
	}
	wantPatches := []string{
		`workloads job-exp-00000001-1a2b3 {"spec":{"active":false}}`,
		`workloads job-exp-00000002-1a2b3 {"spec":{"active":false}}`,
	}
	if diff := cmp.Diff(wantPatches, sorted(cl.patches())); diff != "" {
		t.Errorf("suspend patches (-want +got):\n%s", diff)
	}

	cl = newCluster(true, objs, wls...)
	out, errOut, err := cl.run(t, true, "exp")
	if err != nil {
		t.Fatal(err)
	}
	if want := "job.batch/exp-00000003 resumed (workload.kueue.x-k8s.io/job-exp-00000003-1a2b3 back in queue team-a)\n"; out != want {
		t.Errorf("resume stdout = %q, want %q", out, want)
	}
	if diff := cmp.Diff([]string{`workloads job-exp-00000003-1a2b3 {"spec":{"active":true}}`}, cl.patches()); diff != "" {
		t.Errorf("resume patches (-want +got):\n%s", diff)
	}
	if !strings.Contains(errOut, "(left alone: 1 not suspended, 1 waiting in a Kueue queue)") ||
		!strings.Contains(errOut, "1 trial(s) wait in a Kueue queue: Kueue starts them as the queue's quota allows") {
		t.Errorf("resume stderr does not say Kueue decides:\n%s", errOut)
	}
}

func TestKueueTrialWithoutWorkloadWritesNothing(t *testing.T) {
	cl := newCluster(true, []runtime.Object{trialJob(1, "queued"), trialJob(2, "run")})
	_, _, err := cl.run(t, false, "exp")
	if err == nil || !strings.Contains(err.Error(), "have no Kueue Workload yet (exp-00000001)") {
		t.Fatalf("err = %v", err)
	}
	if p := cl.patches(); len(p) != 0 {
		t.Errorf("patches after the error: %v", p)
	}
}

func TestQueuedWithoutKueueIsReleasedByHand(t *testing.T) {
	cl := newCluster(false, []runtime.Object{trialJob(1, "queued")})
	out, errOut, err := cl.run(t, true, "exp")
	if err != nil {
		t.Fatal(err)
	}
	if out != "job.batch/exp-00000001 resumed\n" || !strings.Contains(errOut, "warning: this cluster does not serve Kueue's API: 1 trial(s) labelled for a Kueue queue are released by hand") {
		t.Errorf("stdout %q\nstderr %s", out, errOut)
	}
	if cl.suspended(t, "exp-00000001") {
		t.Error("still suspended")
	}
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestOutput: -o goes through the PrintFlags every writing verb has: json
// prints the Jobs patched (spec.suspend as written) in one List, and a
// client dry run the Jobs as the patch would leave them.
func TestOutput(t *testing.T) {
	cl := newCluster(false, []runtime.Object{trialJob(1, "run"), trialJob(2, "run")})
	out, _, err := cl.run(t, false, "exp", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"kind": "List"`) || strings.Count(out, `"kind": "Job"`) != 2 || strings.Count(out, `"suspend": true`) != 2 {
		t.Errorf("-o json did not print the 2 suspended Jobs in a List:\n%s", out)
	}
	cl = newCluster(false, []runtime.Object{trialJob(1, "susp")})
	out, _, err = cl.run(t, true, "exp", "--dry-run=client", "-o", "jsonpath={.items[0].metadata.name} {.items[0].spec.suspend}")
	if err != nil || out != "exp-00000001 false" || len(cl.patches()) != 0 {
		t.Errorf("dry run -o jsonpath = %q, %v (patches %v); want %q and no patch", out, err, cl.patches(), "exp-00000001 false")
	}
}
