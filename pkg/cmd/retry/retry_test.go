package retry

import (
	"bytes"
	"context"
	authorizationv1 "k8s.io/api/authorization/v1"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

func experiment(extra ...runtime.Object) *fake.Clientset {
	objs := kubefake.Experiment("ml", "oom",
		kubefake.Trial{Name: "oom-aaaaaaaa", Index: 0, Params: `{"run":"hog"}`, State: "OOMKilled", Memory: "32Mi"},
		kubefake.Trial{Name: "oom-bbbbbbbb", Index: 1, Params: `{"run":"ok1"}`, State: "Succeeded", Memory: "32Mi"},
		kubefake.Trial{Name: "oom-cccccccc", Index: 2, Params: `{"run":"bad"}`, State: "Failed", Memory: "32Mi"},
		kubefake.Trial{Name: "oom-dddddddd", Index: 3, Params: `{"run":"slow"}`, State: "Running", Memory: "32Mi"},
	)
	c := fake.NewClientset(append(objs, extra...)...)
	kubefake.AllowAll(c)
	return c
}

func node(name, mem string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(mem)}}}
}

func run(t *testing.T, c *fake.Clientset, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmdRetry(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func getJob(t *testing.T, c *fake.Clientset, name string) *batchv1.Job {
	t.Helper()
	j, err := c.BatchV1().Jobs("ml").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func writes(c *fake.Clientset) []string {
	var out []string
	for _, a := range c.Actions() {
		switch a.GetVerb() {
		case "create", "delete", "patch", "update", "delete-collection":
			n := ""
			switch x := a.(type) {
			case k8stesting.DeleteAction:
				n = x.GetName()
			case k8stesting.CreateAction:
				j, ok := x.GetObject().(*batchv1.Job)
				if !ok {
					continue // an access review, not a write
				}
				n = j.Name
			}
			out = append(out, a.GetVerb()+" "+n)
		}
	}
	return out
}

func TestRetryReplacesTheFailedTrialsWithMoreMemoryForTheOOM(t *testing.T) {
	c := experiment(node("node1", "8Gi"))
	out, errOut, err := run(t, c, "oom")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	want := "job.batch/oom-aaaaaaaa replaced (attempt 2 after OOMKilled; limits.memory of container ml: 32Mi -> 64Mi)\n" +
		"job.batch/oom-cccccccc replaced (attempt 2 after Failed)\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errOut, "1 trial(s) that have not finished were left alone") || !strings.Contains(errOut, "kubectl mlexp wait oom") {
		t.Errorf("stderr:\n%s", errOut)
	}
	w := writes(c)
	at := map[string]int{}
	for i, x := range w {
		at[x] = i + 1
	}
	for _, n := range []string{"oom-aaaaaaaa", "oom-cccccccc"} {
		if d, cr := at["delete "+n], at["create "+n]; d == 0 || cr == 0 || cr < d {
			t.Errorf("%s: want a delete then a create; writes: %v", n, w)
		}
	}
	if len(w) != 4 {
		t.Errorf("writes = %v, want one delete and one create per retried trial", w)
	}
	j := getJob(t, c, "oom-aaaaaaaa")
	if q := j.Spec.Template.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory]; q.String() != "64Mi" {
		t.Errorf("new limit = %s, want 64Mi", q.String())
	}
	if j.Spec.Selector != nil || j.Spec.Template.Labels[batchv1.ControllerUidLabel] != "" || len(j.Status.Conditions) != 0 {
		t.Errorf("the new Job kept the old one's selector, controller labels or status: %+v", j)
	}
	s := trial.FromJob(j, nil)
	if s.Attempt != 2 || len(s.Attempts) != 1 || s.Attempts[0].Summary() != "OOMKilled at limit 32Mi (exit 137)" {
		t.Errorf("attempt %d, history %+v", s.Attempt, s.Attempts)
	}
	if got := getJob(t, c, "oom-bbbbbbbb"); len(got.Status.Conditions) == 0 {
		t.Error("the succeeded trial was replaced")
	}
	for _, a := range c.Actions() {
		if d, ok := a.(k8stesting.DeleteAction); ok {
			if p := d.GetDeleteOptions().PropagationPolicy; p == nil || *p != metav1.DeletePropagationForeground {
				t.Errorf("delete of %s without foreground propagation", d.GetName())
			}
			if pc := d.GetDeleteOptions().Preconditions; pc == nil || pc.UID == nil || string(*pc.UID) != "uid-"+d.GetName() {
				t.Errorf("delete of %s without its UID as a precondition", d.GetName())
			}
		}
	}
}

// TestRetryGivesMoreMemoryToEveryTrialThatRanOutOfIt: a kill the runtime
// did not report OOMKilled (Error, exit 137, at a memory limit) is retried
// with twice the memory and says why; a trial that succeeded with a
// process OOM-killed is not a failed trial, so a note names it, and
// retried by name it gets twice the memory too.
func TestRetryGivesMoreMemoryToEveryTrialThatRanOutOfIt(t *testing.T) {
	c := fake.NewClientset(kubefake.Experiment("ml", "oom",
		kubefake.Trial{Name: "oom-aaaaaaaa", Index: 0, Params: `{"run":"hog"}`, State: "Killed", Memory: "32Mi"},
		kubefake.Trial{Name: "oom-bbbbbbbb", Index: 1, Params: `{"run":"sh"}`, State: "ProcessOOMKilled", Memory: "32Mi"},
	)...)
	kubefake.AllowAll(c)
	out, errOut, err := run(t, c, "oom")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if want := "job.batch/oom-aaaaaaaa replaced (attempt 2 after Failed (likely out of memory); limits.memory of container ml: 32Mi -> 64Mi)\n"; out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	note := "note: oom-bbbbbbbb succeeded, but a process of container ml was OOM-killed at its limit of 32Mi; the container still exited 0; " +
		"it is not a failed trial: `kubectl mlexp retry oom oom-bbbbbbbb` re-runs it with 2 times the memory\n"
	if !strings.Contains(errOut, note) {
		t.Errorf("stderr:\n%s\nwant the note:\n%s", errOut, note)
	}
	out, errOut, err = run(t, c, "oom", "oom-bbbbbbbb")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if want := "job.batch/oom-bbbbbbbb replaced (attempt 2 after Succeeded (with a process OOM-killed); limits.memory of container ml: 32Mi -> 64Mi)\n"; out != want {
		t.Errorf("named: stdout:\n%s\nwant:\n%s", out, want)
	}
	if strings.Contains(errOut, "note:") {
		t.Errorf("named: a note for the trial being retried:\n%s", errOut)
	}
}

func TestRetryDryRunClientPrintsTheNewJobsAndWritesNothing(t *testing.T) {
	c := experiment()
	out, _, err := run(t, c, "oom", "aaaaaaaa", "--dry-run=client", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kind: Job", "name: oom-aaaaaaaa", "memory: 64Mi", keys.Attempts + ":", keys.Override + ":"} {
		if !strings.Contains(out, want) {
			t.Errorf("yaml lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "oom-cccccccc") {
		t.Error("a trial not named is in the output")
	}
	if w := writes(c); len(w) != 0 {
		t.Errorf("dry run wrote: %v", w)
	}
	out, _, err = run(t, c, "oom", "--dry-run", "-o", "name", "--all")
	if err != nil || out != "job.batch/oom-aaaaaaaa\njob.batch/oom-bbbbbbbb\njob.batch/oom-cccccccc\n" {
		t.Errorf("--all -o name: %q, %v", out, err)
	}
}

func TestRetryDryRunServerSendsDryRunWrites(t *testing.T) {
	c := experiment()
	// The fake clientset ignores dryRun: answer dry-run writes as the API
	// server does, without persisting them.
	c.PrependReactor("*", "jobs", func(a k8stesting.Action) (bool, runtime.Object, error) {
		switch x := a.(type) {
		case k8stesting.DeleteAction:
			return len(x.GetDeleteOptions().DryRun) > 0, nil, nil
		case k8stesting.CreateActionImpl:
			j := x.GetObject().(*batchv1.Job).DeepCopy()
			j.Name = j.GenerateName + "x1y2z"
			return len(x.CreateOptions.DryRun) > 0, j, nil
		}
		return false, nil, nil
	})
	if _, errOut, err := run(t, c, "oom", "--dry-run=server"); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, a := range c.Actions() {
		switch x := a.(type) {
		case k8stesting.DeleteAction:
			if len(x.GetDeleteOptions().DryRun) == 0 {
				t.Errorf("delete of %s without dryRun", x.GetName())
			}
		case k8stesting.CreateActionImpl:
			j, ok := x.GetObject().(*batchv1.Job)
			if !ok {
				continue // the access review before the writes
			}
			if j.GenerateName == "" || len(x.CreateOptions.DryRun) == 0 {
				t.Errorf("server dry-run create of %s without dryRun or a generated name", j.Name)
			}
		}
	}
	if len(getJob(t, c, "oom-aaaaaaaa").Status.Conditions) == 0 {
		t.Error("server dry run replaced a Job")
	}
}

func TestRetryNarrowsAndNamesTrials(t *testing.T) {
	c := experiment()
	out, _, err := run(t, c, "oom", "--param-selector", "run=bad", "--dry-run")
	if err != nil || out != "job.batch/oom-cccccccc replaced (dry run) (attempt 2 after Failed)\n" {
		t.Errorf("--param-selector: %q, %v", out, err)
	}
	// A named trial is re-run whatever its outcome, unless --failed says otherwise.
	out, _, err = run(t, c, "oom", "--trial", "bbbbbbbb", "--dry-run")
	if err != nil || !strings.HasPrefix(out, "job.batch/oom-bbbbbbbb replaced") {
		t.Errorf("named succeeded trial: %q, %v", out, err)
	}
	_, errOut, err := run(t, c, "oom", "bbbbbbbb", "--failed", "--dry-run")
	if err != nil || !strings.Contains(errOut, `no failed trials to retry in experiment "oom" (1 trial: 1 succeeded)`) {
		t.Errorf("named succeeded trial with --failed: %q, %v", errOut, err)
	}
}

func TestRetryRefusesClearly(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"running trial":  {[]string{"oom", "dddddddd"}, "only a finished trial can be retried: oom-dddddddd is Running"},
		"unknown trial":  {[]string{"oom", "--trial", "ffffffff"}, `no trial oom-ffffffff in experiment "oom"`},
		"factor of 1":    {[]string{"oom", "--memory-factor", "1"}, "--memory-factor: must be greater than 1, got 1"},
		"factor below 1": {[]string{"oom", "--memory-factor", "0.5"}, "--memory-factor: must be greater than 1, got 0.5"},
		"bad memory":     {[]string{"oom", "--memory", "lots"}, `--memory: invalid quantity "lots"`},
		"all and failed": {[]string{"oom", "--all", "--failed"}, "--all and --failed cannot be used together"},
		"no experiment":  {[]string{"nope"}, `experiment "nope" not found in namespace "ml"`},
		"bad output":     {[]string{"oom", "-o", "wide"}, "--output: unknown format"},
		"bad container":  {[]string{"oom", "--memory", "1Gi", "--container", "gpu"}, `--container: no container "gpu"`},
	} {
		t.Run(name, func(t *testing.T) {
			c := experiment()
			_, _, err := run(t, c, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if w := writes(c); len(w) != 0 {
				t.Errorf("a refused retry wrote: %v", w)
			}
		})
	}
}

func TestRetryWarnsAboveEveryNodesMemory(t *testing.T) {
	c := experiment(node("small", "1Gi"), node("big", "4Gi"))
	_, errOut, err := run(t, c, "oom", "aaaaaaaa", "--memory", "6Gi", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	want := "warning: oom-aaaaaaaa (6Gi) would ask for more memory than any node has allocatable (the largest, node big, has 4Gi): it would stay Pending"
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr:\n%s\nwant %q", errOut, want)
	}
	// Nodes that cannot be listed (RBAC) make no noise.
	c = experiment()
	c.PrependReactor("list", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, errForbidden
	})
	if _, errOut, err = run(t, c, "oom", "aaaaaaaa", "--memory", "6Gi", "--dry-run"); err != nil || strings.Contains(errOut, "warning") {
		t.Errorf("forbidden nodes: %q, %v", errOut, err)
	}
}

// TestRetryChecksAccessFirst: a user who may delete Jobs but not create
// them gets one line naming what is missing, and no trial is deleted.
func TestRetryChecksAccessFirst(t *testing.T) {
	objs := kubefake.Experiment("ml", "oom",
		kubefake.Trial{Name: "oom-aaaaaaaa", Index: 0, Params: `{"run":"hog"}`, State: "OOMKilled", Memory: "32Mi"})
	c := fake.NewClientset(append(objs, node("node1", "8Gi"))...)
	kubefake.Authorize(c, func(ra authorizationv1.ResourceAttributes) bool { return ra.Verb != "create" })
	_, _, err := run(t, c, "oom")
	if err == nil || !strings.Contains(err.Error(), "you may not create jobs.batch") {
		t.Errorf("err = %v, want one naming create jobs.batch", err)
	}
	if w := writes(c); len(w) != 0 {
		t.Errorf("writes although access was denied: %v", w)
	}
}

// TestRetryHintsKeepTheUsersFlags: the commands retry suggests keep -n,
// --context and --kubeconfig as the user gave them.
func TestRetryHintsKeepTheUsersFlags(t *testing.T) {
	c := experiment(node("node1", "8Gi"))
	var out, errOut bytes.Buffer
	g := &kubefake.Getter{NS: "ml", NSExplicit: true, Client: c, Connection: []string{"--context", "kind-dev"}}
	cmd := NewCmdRetry(g, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"oom", "aaaaaaaa"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if want := "\n  kubectl mlexp wait oom --context kind-dev -n ml\n"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
	cmd = NewCmdRetry(g, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"oom", "ffffffff"})
	cmd.SetErr(&errOut)
	if err := cmd.ExecuteContext(context.Background()); err == nil || !strings.Contains(err.Error(), "(see `kubectl mlexp status oom --context kind-dev -n ml`)") {
		t.Errorf("err = %v", err)
	}
}

// TestRetryOutput: -o goes through the PrintFlags every writing verb has:
// name prints the new Jobs' names, json the Jobs created as one List.
func TestRetryOutput(t *testing.T) {
	out, _, err := run(t, experiment(node("node1", "8Gi")), "oom", "-o", "name")
	if err != nil {
		t.Fatal(err)
	}
	if out != "job.batch/oom-aaaaaaaa\njob.batch/oom-cccccccc\n" {
		t.Errorf("-o name = %q", out)
	}
	out, _, err = run(t, experiment(node("node1", "8Gi")), "oom", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"kind": "List"`) || strings.Count(out, `"kind": "Job"`) != 2 || !strings.Contains(out, `"name": "oom-aaaaaaaa"`) {
		t.Errorf("-o json did not print the 2 Jobs in a List:\n%.600s", out)
	}
}
