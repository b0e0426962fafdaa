package submit

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// jobCalls counts c's calls on Jobs by verb, a patch by its patch type
// ("patch application/apply-patch+yaml").
func jobCalls(c *fake.Clientset) map[string]int {
	out := map[string]int{}
	for _, a := range c.Actions() {
		if a.GetResource().Resource != "jobs" {
			continue
		}
		verb := a.GetVerb()
		if p, ok := a.(k8stesting.PatchAction); ok {
			verb += " " + string(p.GetPatchType())
		}
		out[verb]++
	}
	return out
}

// TestSubmitRequestShape pins what submit asks of the API server: new
// trials are created with a plain create (a server-side apply costs the
// server more), the plan reads the experiment's Jobs as metadata only, a
// no-op re-submit writes nothing and reads nothing else, a trial
// configured in place is server-side applied from its whole Job, and a
// changed one (--force) deleted and server-side applied.
func TestSubmitRequestShape(t *testing.T) {
	c := newClient()
	meta := kubefake.WithMetadata(c)
	g := &kubefake.Getter{NS: "ml", Client: meta}
	image := "busybox"
	file := func(metric string) string {
		f := t.TempDir() + "/exp.yaml"
		if err := writeFile(f, `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: shape}
spec:
  parameters:
    grid: {n: [1, 2, 3, 4, 5, 6], m: [a, b, c, d]}
  template:
    spec:
      template:
        spec:
          containers:
          - {name: ml, image: `+image+`, args: ["${n}", "${m}"], resources: {limits: {memory: 16Mi}}}
  results: {metric: `+metric+`}
`); err != nil {
			t.Fatal(err)
		}
		return f
	}
	args := []string{"-f", file("accuracy")}
	if _, _, err := runSubmit(t, g, args...); err != nil {
		t.Fatal(err)
	}
	apply := "patch " + string(types.ApplyPatchType)
	got := jobCalls(c)
	if got["create"] != 24 || got[apply] != 0 {
		t.Errorf("first submit: %v; want 24 creates and no apply", got)
	}
	if got["list"] != meta.Lists("jobs") {
		t.Errorf("first submit: %d Lists of Jobs, %d of them metadata-only; want all", got["list"], meta.Lists("jobs"))
	}

	c.ClearActions()
	before := meta.Lists("jobs")
	if _, _, err := runSubmit(t, g, args...); err != nil {
		t.Fatal(err)
	}
	got = jobCalls(c)
	if lists := meta.Lists("jobs") - before; len(got) != 1 || got["list"] != lists || lists == 0 {
		t.Errorf("no-op re-submit: %v, %d metadata-only Lists; want metadata-only Lists alone", got, lists)
	}

	// A changed results spec: the Jobs are read whole, then applied.
	c.ClearActions()
	before = meta.Lists("jobs")
	out, _, err := runSubmit(t, g, "-f", file("loss"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, " configured\n"); n != 24 {
		t.Fatalf("want 24 configured trials:\n%s", out)
	}
	got = jobCalls(c)
	if full := got["list"] - (meta.Lists("jobs") - before); got[apply] != 24 || got["create"] != 0 || full != 1 {
		t.Errorf("configuring submit: %v with %d full Lists; want 24 applies, no create, one full List", got, full)
	}

	// A changed pod template, with --force: each Job is deleted, then
	// applied again as before creates.
	c.ClearActions()
	image = "busybox:1.36"
	out, _, err = runSubmit(t, g, "-f", file("loss"), "--force")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, " replaced\n"); n != 24 {
		t.Fatalf("want 24 replaced trials:\n%s", out)
	}
	if got = jobCalls(c); got[apply] != 24 || got["create"] != 0 || got["delete"] != 24 {
		t.Errorf("replacing submit: %v; want 24 deletes and 24 applies, no create", got)
	}
}

// TestSubmitCreateWhoseAnswerWasLost: the server made a create but its
// answer was lost; the retried create finds the Job and server-side
// applies it, as every write did before creates: the trial is written
// once, as rendered, and reported created.
func TestSubmitCreateWhoseAnswerWasLost(t *testing.T) {
	t.Setenv("REPO", "registry.test")
	c := newClient()
	var mu sync.Mutex
	lost := map[string]bool{}
	c.PrependReactor("create", "jobs", func(a k8stesting.Action) (bool, runtime.Object, error) {
		job := a.(k8stesting.CreateAction).GetObject().(*batchv1.Job)
		mu.Lock()
		defer mu.Unlock()
		if lost[job.Name] {
			return false, nil, nil
		}
		lost[job.Name] = true
		if err := c.Tracker().Create(a.GetResource(), job.DeepCopy(), a.GetNamespace()); err != nil {
			t.Error(err)
		}
		return true, nil, kubefake.ErrRefused
	})
	var out, errOut bytes.Buffer
	o := submitOptions(c, &out, &errOut)
	if err := o.Complete(o.Getter, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatalf("submit: %v\n%s", err, errOut.String())
	}
	if n := strings.Count(out.String(), " created\n"); n != 24 {
		t.Errorf("%d trials created, want 24:\n%s", n, out.String())
	}
	if got := jobCalls(c); got["create"] != 48 || got["patch "+string(types.ApplyPatchType)] != 24 {
		t.Errorf("calls %v; want each trial created twice (the second AlreadyExists), then applied", got)
	}
	rendered := map[string]string{}
	for _, tr := range o.trials {
		rendered[tr.Name] = tr.Job.Annotations[keys.SpecHash]
	}
	l, err := c.BatchV1().Jobs("ml").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range l.Items {
		if h := rendered[j.Name]; h == "" || j.Annotations[keys.SpecHash] != h {
			t.Errorf("Job %s: spec hash %q, rendered %q", j.Name, j.Annotations[keys.SpecHash], h)
		}
		delete(rendered, j.Name)
	}
	if len(rendered) != 0 {
		t.Errorf("trials without a Job: %v", rendered)
	}
}

// TestSubmitDropsResultsFromCreatedJobs: a Job made by a plain create
// keeps the fields of its create under an Update entry, which a later
// server-side apply that leaves them out does not remove. Results dropped
// from the file must still leave the trials unchanged on the next submit,
// and `results` without a spec.
func TestSubmitDropsResultsFromCreatedJobs(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: kubefake.WithMetadata(c)}
	f := t.TempDir() + "/exp.yaml"
	write := func(results string) {
		t.Helper()
		if err := writeFile(f, `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: drop}
spec:
  parameters:
    grid: {n: [1, 2]}
  template:
    spec:
      template:
        spec:
          containers:
          - {name: ml, image: busybox, args: ["${n}"], resources: {limits: {memory: 16Mi}}}
`+results); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []struct {
		results, want string
	}{
		{"  results: {metric: accuracy}\n", " created\n"},
		{"", " configured\n"},
		{"", " unchanged\n"},
	} {
		write(step.results)
		out, _, err := runSubmit(t, g, "-f", f)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(out, step.want); n != 2 {
			t.Fatalf("results %q: want 2 trials%s%s", step.results, step.want, out)
		}
	}
	l, err := c.BatchV1().Jobs("ml").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range l.Items {
		if s, err := ranking.DecodeSpec(j.Annotations[keys.ResultsSpec]); err != nil || !s.IsZero() {
			t.Errorf("Job %s: results spec %q (%v), want none", j.Name, j.Annotations[keys.ResultsSpec], err)
		}
	}
}

// TestSubmitPrintsUnchangedJobsWhole: the plan reads unchanged trials as
// metadata only, but -o yaml still prints each one whole, as the cluster has it.
func TestSubmitPrintsUnchangedJobsWhole(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: kubefake.WithMetadata(c)}
	args := []string{"-f", seedFile, "--name", "seed", "--command", "python train.py"}
	if _, _, err := runSubmit(t, g, args...); err != nil {
		t.Fatal(err)
	}
	out, _, err := runSubmit(t, g, append(args, "-o", "yaml")...)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "command:"); n != 24 {
		t.Errorf("-o yaml of an unchanged experiment: %d pod templates with a command, want 24:\n%.2000s", n, out)
	}
	out, _, err = runSubmit(t, g, append(args, "-o", "name")...)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "job.batch/seed-"); n != 24 {
		t.Errorf("-o name of an unchanged experiment: %d names, want 24:\n%s", n, out)
	}
}
