package submit

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// katibDir holds Katib's own examples, unchanged (see its README).
const katibDir = "../../../testdata/katib/"

// dryRunJSON submits file with --dry-run=client -o json and decodes the
// Job list it prints; it checks that nothing reached the API server.
func dryRunJSON(t *testing.T, file string, extra ...string) (*batchv1.JobList, string, string) {
	t.Helper()
	c := newClient()
	out, errOut, err := runSubmit(t, &kubefake.Getter{NS: "default", Client: c}, append([]string{"-f", file, "--dry-run=client", "-o", "json"}, extra...)...)
	if err != nil {
		t.Fatalf("submit %s: %v\n%s", file, err, errOut)
	}
	if n := len(c.Actions()); n != 0 {
		t.Errorf("--dry-run=client made %d API calls", n)
	}
	var list batchv1.JobList
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("-o json: %v\n%s", err, out)
	}
	return &list, out, errOut
}

// TestKatibExamplesDryRun is the acceptance: Katib's own grid and
// random Experiments, submitted unchanged with --dry-run=client -o json,
// give 12 Jobs each with Katib's container and the trial's arguments,
// labelled as every trial is.
func TestKatibExamplesDryRun(t *testing.T) {
	// The grid's first 12 combinations, lr slowest (docs/katib.md).
	var gridWant []string
	for _, lr := range []string{"0.01", "0.015", "0.02"} {
		for _, m := range []string{"0.5", "0.6", "0.7", "0.8", "0.9"} {
			gridWant = append(gridWant, lr+" "+m)
		}
	}
	gridWant = gridWant[:12]
	for _, name := range []string{"grid", "random"} {
		t.Run(name, func(t *testing.T) {
			list, out, errOut := dryRunJSON(t, katibDir+name+".yaml")
			checkGolden(t, "katib-"+name+".golden.json", out)
			if len(list.Items) != 12 {
				t.Fatalf("%d Jobs, want maxTrialCount 12", len(list.Items))
			}
			var got []string
			seen := map[string]bool{}
			for i, j := range list.Items {
				p, err := params.Decode(j.Annotations[keys.Params])
				if err != nil || len(p) != 2 || p[0].Name != "lr" || p[1].Name != "momentum" {
					t.Fatalf("Job %s params %q: %v", j.Name, j.Annotations[keys.Params], err)
				}
				lr, m := params.Format(p[0].Value), params.Format(p[1].Value)
				got = append(got, lr+" "+m)
				seen[lr+" "+m] = true
				checkKatibJob(t, &j, name, i, lr, m)
				if name == "random" {
					lrv, mv := p[0].Value.(float64), p[1].Value.(float64)
					if lrv < 0.01 || lrv > 0.05 || mv < 0.5 || mv > 0.9 {
						t.Errorf("Job %s: sample lr=%v momentum=%v outside the feasible space", j.Name, lrv, mv)
					}
				}
			}
			if name == "grid" {
				if diff := cmp.Diff(gridWant, got); diff != "" {
					t.Errorf("grid trials (-want +got):\n%s", diff)
				}
			} else if len(seen) != 12 {
				t.Errorf("random: %d distinct samples of 12: %v", len(seen), got)
			}
			for _, w := range []string{
				name + ".yaml:14: parallelTrialCount 3 is not enforced: every trial is created at once; cap it with --queue LOCALQUEUE (Kueue) or --suspend and `kubectl mlexp resume " + name + " --count 3`",
				name + ".yaml:16: maxFailedTrialCount 3 is not enforced",
			} {
				if !strings.Contains(errOut, "/"+w) {
					t.Errorf("stderr lacks the warning %q:\n%s", w, errOut)
				}
			}
		})
	}
}

// checkKatibJob checks one Job of Katib's grid or random example.
func checkKatibJob(t *testing.T, j *batchv1.Job, exp string, index int, lr, momentum string) {
	t.Helper()
	if j.Namespace != "kubeflow" || !strings.HasPrefix(j.Name, exp+"-") {
		t.Errorf("Job %s/%s: want namespace kubeflow (the file's) and a name starting %s-", j.Namespace, j.Name, exp)
	}
	for _, m := range []map[string]string{j.Labels, j.Spec.Template.Labels} {
		want := map[string]string{keys.Experiment: exp, keys.Trial: j.Name, keys.ManagedBy: keys.ManagedByValue}
		if diff := cmp.Diff(want, m); diff != "" {
			t.Errorf("Job %s labels (-want +got):\n%s", j.Name, diff)
		}
	}
	if got := j.Annotations[keys.Index]; got != strconv.Itoa(index) {
		t.Errorf("Job %s index %s, want %d", j.Name, got, index)
	}
	pod := j.Spec.Template.Spec
	if len(pod.Containers) != 1 || pod.RestartPolicy != "Never" || *j.Spec.BackoffLimit != 0 {
		t.Fatalf("Job %s: %d containers, restartPolicy %s, backoffLimit %d", j.Name, len(pod.Containers), pod.RestartPolicy, *j.Spec.BackoffLimit)
	}
	c := pod.Containers[0]
	want := []string{"python3", "/opt/pytorch-mnist/mnist.py", "--epochs=1", "--batch-size=16", "--lr=" + lr, "--momentum=" + momentum}
	if c.Name != "training-container" || c.Image != "ghcr.io/kubeflow/katib/pytorch-mnist-cpu:latest" || !cmp.Equal(want, c.Command) {
		t.Errorf("Job %s container %s %s %q, want training-container running %q", j.Name, c.Name, c.Image, c.Command, want)
	}
	if got := j.Spec.Template.Annotations["kubectl.kubernetes.io/default-container"]; got != "training-container" {
		t.Errorf("Job %s: default container %q, want the primary container", j.Name, got)
	}
	if got := j.Annotations[keys.ResultsSpec]; got != `{"metric":"loss","goal":"min","target":0.001}` {
		t.Errorf("Job %s results spec %s", j.Name, got)
	}
}

// -o yaml shows the same Jobs as YAML documents.
func TestKatibDryRunYAML(t *testing.T) {
	c := newClient()
	out, _, err := runSubmit(t, &kubefake.Getter{NS: "default", Client: c}, "-f", katibDir+"grid.yaml", "--dry-run=client", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\nkind: Job\n"); n != 12 || strings.Count(out, "- --lr=0.015\n") != 5 || len(c.Actions()) != 0 {
		t.Errorf("-o yaml: %d Jobs, %d with --lr=0.015, %d API calls; want 12, 5, 0:\n%s", n, strings.Count(out, "- --lr=0.015\n"), len(c.Actions()), out)
	}
}

// The same random file gives the same trials every time.
func TestKatibRandomIsReproducible(t *testing.T) {
	a, _, _ := dryRunJSON(t, katibDir+"random.yaml")
	b, _, _ := dryRunJSON(t, katibDir+"random.yaml")
	for i := range a.Items {
		if a.Items[i].Name != b.Items[i].Name {
			t.Fatalf("trial %d: %s then %s", i, a.Items[i].Name, b.Items[i].Name)
		}
	}
}

// A namespace in the file is used when -n is not given, and a different
// -n is kubectl's error, before any write.
func TestKatibNamespace(t *testing.T) {
	file := katibDir + "grid.yaml"
	tests := map[string]struct {
		getter  kubefake.Getter
		wantNS  string
		wantErr string
	}{
		"no -n: the file's namespace":   {getter: kubefake.Getter{NS: "default"}, wantNS: "kubeflow"},
		"the same -n":                   {getter: kubefake.Getter{NS: "kubeflow", NSExplicit: true}, wantNS: "kubeflow"},
		"a context namespace, not a -n": {getter: kubefake.Getter{NS: "team-a"}, wantNS: "kubeflow"},
		"another -n": {getter: kubefake.Getter{NS: "team-a", NSExplicit: true},
			wantErr: file + `:5:14: the namespace from the provided object "kubeflow" does not match the namespace "team-a". You must pass '--namespace=kubeflow' to perform this operation.`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newClient()
			tc.getter.Client = c
			_, errOut, err := runSubmit(t, &tc.getter, "-f", file)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %s", err, tc.wantErr)
				}
				if n := len(c.Actions()); n != 0 {
					t.Errorf("a refused submit made %d API calls", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := c.BatchV1().Jobs(tc.wantNS).List(context.Background(), metav1.ListOptions{})
			if err != nil || len(jobs.Items) != 12 {
				t.Fatalf("%d Jobs in %s (%v), want 12", len(jobs.Items), tc.wantNS, err)
			}
			// -n as the user gave it, or for the file's namespace.
			hint := "kubectl mlexp status grid -w"
			if tc.getter.NS != tc.wantNS || tc.getter.NSExplicit {
				hint = "kubectl mlexp status grid -w -n kubeflow"
			}
			if !strings.Contains(errOut, hint) {
				t.Errorf("stderr does not suggest %q:\n%s", hint, errOut)
			}
		})
	}
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/cmd/submit -run Katib -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; run with -update if the change is intended):\n%s", path, diff)
	}
}
