package submit

import (
	"bytes"
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

const seedFile = "../../../examples/seed-experiments.yaml"

func runSubmit(t *testing.T, g *kubefake.Getter, args ...string) (string, string, error) {
	t.Helper()
	t.Setenv("REPO", "registry.test")
	var out, errOut bytes.Buffer
	cmd := NewCmdSubmit(g, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestSubmitSeedIsIdempotent(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	args := []string{"-f", seedFile, "--name", "seed", "--command", "python train.py", "--cpu", "1", "--memory", "6Gi"}
	out, _, err := runSubmit(t, g, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, " created\n"); n != 24 {
		t.Fatalf("first submit created %d trials, want 24:\n%s", n, out)
	}
	jobs, err := c.BatchV1().Jobs("ml").List(context.Background(), metav1.ListOptions{LabelSelector: keys.ForExperiment("seed")})
	if err != nil || len(jobs.Items) != 24 {
		t.Fatalf("jobs in cluster = %d, %v; want 24", len(jobs.Items), err)
	}
	writes := countWrites(c)
	out, _, err = runSubmit(t, g, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, " unchanged\n"); n != 24 {
		t.Errorf("second submit: %d unchanged, want 24:\n%s", n, out)
	}
	if got := countWrites(c); got != writes {
		t.Errorf("second submit wrote %d times, want 0", got-writes)
	}
}

func TestSubmitChangedTrialsNeedForceAndWriteNothing(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	base := []string{"-f", seedFile, "--name", "seed", "--command", "python train.py"}
	if _, _, err := runSubmit(t, g, append(base, "--memory", "6Gi")...); err != nil {
		t.Fatal(err)
	}
	writes := countWrites(c)
	_, _, err := runSubmit(t, g, append(base, "--memory", "8Gi")...)
	if err == nil || !strings.Contains(err.Error(), "24 trial(s) of experiment \"seed\" changed") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err = %v, want a changed-trials error naming --force", err)
	}
	if got := countWrites(c); got != writes {
		t.Errorf("a refused submit wrote %d times, want 0", got-writes)
	}
}

func TestSubmitBadFileAppliesNothing(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	t.Setenv("REPO", "")
	f := t.TempDir() + "/bad.yaml"
	if err := writeFile(f, "- script: img\n  args:\n  - [1, a]\n  - [2]\n"); err != nil {
		t.Fatal(err)
	}
	_, _, err := runSubmit(t, g, "-f", f)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:") {
		t.Fatalf("err = %v, want an error naming the file and line", err)
	}
	if n := len(c.Actions()); n != 0 {
		t.Errorf("bad file: %d API calls, want 0: %v", n, c.Actions())
	}
}

func TestSubmitDryRunClientContactsNothing(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	out, _, err := runSubmit(t, g, "-f", seedFile, "--dry-run=client", "-o", "name")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "job.batch/seed-experiments-"); n != 24 {
		t.Errorf("-o name printed %d jobs, want 24:\n%s", n, out)
	}
	if n := len(c.Actions()); n != 0 {
		t.Errorf("dry-run=client made %d API calls, want 0", n)
	}
}

// countWrites counts the create/patch/update/delete calls the fake saw.
func countWrites(c *fake.Clientset) int {
	n := 0
	for _, a := range c.Actions() {
		if a.GetResource().Resource == "selfsubjectaccessreviews" {
			continue // a question, not a write
		}
		switch a.GetVerb() {
		case "create", "patch", "update", "delete", "deletecollection":
			n++
		}
	}
	return n
}

func TestSubmitResultsSpecChangesInPlace(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	file := func(metric string) string {
		f := t.TempDir() + "/exp.yaml"
		if err := writeFile(f, `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: rs}
spec:
  parameters:
    grid: {n: [1, 2]}
  template:
    spec:
      template:
        spec:
          containers:
          - {name: ml, image: busybox, args: ["${n}"], resources: {limits: {memory: 16Mi}}}
  results: {metric: `+metric+`}
`); err != nil {
			t.Fatal(err)
		}
		return f
	}
	if _, _, err := runSubmit(t, g, "-f", file("accuracy")); err != nil {
		t.Fatal(err)
	}
	out, _, err := runSubmit(t, g, "-f", file("loss"))
	if err != nil {
		t.Fatalf("changing only spec.results needs no --force: %v", err)
	}
	if n := strings.Count(out, " configured\n"); n != 2 {
		t.Errorf("want 2 configured trials:\n%s", out)
	}
	jobs, _ := c.BatchV1().Jobs("ml").List(context.Background(), metav1.ListOptions{})
	for _, j := range jobs.Items {
		if got := j.Annotations[keys.ResultsSpec]; got != `{"metric":"loss"}` {
			t.Errorf("job %s results-spec = %s", j.Name, got)
		}
	}
}

// --drive of a file with no search (the list format, spec.parameters) is
// an error naming the flag and the way to write it, not silently ignored;
// nothing is sent.
func TestSubmitDriveWithoutSearchIsAnError(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	_, _, err := runSubmit(t, g, "-f", seedFile, "--command", "python train.py", "--drive")
	if err == nil || !strings.Contains(err.Error(), "--drive") || !strings.Contains(err.Error(), "spec.search") {
		t.Fatalf("err = %v, want a --drive error pointing at spec.search", err)
	}
	if n := len(c.Actions()); n != 0 {
		t.Errorf("%d API calls, want 0: %v", n, c.Actions())
	}
}

// "submit exp.yaml" (the file as an argument, as kubectl apply users type
// it) says to pass it with -f.
func TestSubmitFileArgumentSaysDashF(t *testing.T) {
	g := &kubefake.Getter{NS: "ml", Client: newClient()}
	_, _, err := runSubmit(t, g, "exp.yaml")
	if err == nil || !strings.Contains(err.Error(), "kubectl mlexp submit -f exp.yaml") {
		t.Fatalf("err = %v, want a hint to use -f", err)
	}
}

// A dry run without -o shows the values each trial would run with.
func TestSubmitDryRunShowsParameters(t *testing.T) {
	g := &kubefake.Getter{NS: "ml", Client: newClient()}
	out, _, err := runSubmit(t, g, "-f", seedFile, "--command", "python train.py", "--dry-run=client")
	if err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(out, "\n", 2)[0]
	if !strings.Contains(first, " created (dry run)  script=registry.test/k8s-ml:model01,arg1=10,arg2=softmax,arg3=0.2") {
		t.Errorf("first line %q lacks the trial's parameters", first)
	}
}

// TestSubmitOutput: -o goes through the PrintFlags every writing verb
// has: name prints the Jobs' names, json the Jobs written as one List,
// jsonpath a template over it, and a second submit prints the unchanged
// Jobs whole.
func TestSubmitOutput(t *testing.T) {
	args := []string{"-f", seedFile, "--name", "seed", "--command", "python train.py", "--cpu", "1", "--memory", "6Gi"}
	g := &kubefake.Getter{NS: "ml", Client: newClient()}
	out, _, err := runSubmit(t, g, append(args, "-o", "name")...)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 24 || !strings.HasPrefix(lines[0], "job.batch/seed-") || strings.Contains(out, " ") {
		t.Errorf("-o name printed %q, want 24 lines job.batch/NAME", out)
	}
	out, _, err = runSubmit(t, g, append(args, "-o", "json")...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"kind": "List"`) || strings.Count(out, `"kind": "Job"`) != 24 || !strings.Contains(out, `"image": "registry.test/`) {
		t.Errorf("-o json did not print the 24 Jobs whole in a List:\n%.600s", out)
	}
	out, _, err = runSubmit(t, g, append(args, "-o", "jsonpath={.items[0].kind} {.items[0].metadata.labels.mlexp\\.dev/experiment}")...)
	if err != nil || out != "Job seed" {
		t.Errorf("-o jsonpath = %q, %v; want %q", out, err, "Job seed")
	}
	if _, _, err := runSubmit(t, g, append(args, "-o", "wide")...); err == nil || !strings.Contains(err.Error(), `--output: unknown format "wide"`) {
		t.Errorf("-o wide: err = %v", err)
	}
}

// TestSubmitValidateNeedsNoClientNorFile: bad flags are refused by
// Validate, before the file is read or a client built (the getter is nil
// and the file does not exist).
func TestSubmitValidateNeedsNoClientNorFile(t *testing.T) {
	for args, want := range map[string]string{
		"-f nothere.yaml --concurrency 0":         "--concurrency must be at least 1, got 0",
		"-f nothere.yaml -o wide":                 `--output: unknown format "wide"`,
		"-f nothere.yaml --wait --dry-run=client": "--wait cannot be used with --dry-run",
		"-f nothere.yaml --dry-run=maybe":         "--dry-run: invalid dry-run value (maybe)",
	} {
		cmd := NewCmdSubmit(nil, genericiooptions.NewTestIOStreamsDiscard())
		cmd.SetArgs(strings.Fields(args))
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		if err := cmd.ExecuteContext(context.Background()); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("submit %s: err = %v, want %q", args, err, want)
		}
	}
}
