//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// dialectExperiment has three trials that print a metric and end; they ask
// for little, so they run beside other tests.
func dialectExperiment(name string) string {
	return `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: ` + name + `
spec:
  parameters:
    grid:
      lr: [0.1, 0.01, 0.001]
  template:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, 'echo "Test accuracy: ${lr}"']
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 100m, memory: 16Mi}
`
}

// jobNames lists the Jobs of experiment exp with the API, sorted.
func jobNames(t *testing.T, ns, exp string) []string {
	t.Helper()
	l, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "mlexp.dev/experiment=" + exp})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range l.Items {
		out = append(out, j.Name)
	}
	sort.Strings(out)
	return out
}

func sortedFields(s string) string {
	f := strings.Fields(s)
	sort.Strings(f)
	return strings.Join(f, " ")
}

// TestKubectlDialect checks kubectl's output options on a real
// experiment: -o jsonpath on list and status, -o custom-columns, and
// `list -o name | xargs kubectl mlexp delete`.
func TestKubectlDialect(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "dialect")
	for _, exp := range []string{"alpha", "beta"} {
		MustMlexp(t, ns, "submit", "-f", WriteFile(t, exp+".yaml", dialectExperiment(exp)))
	}
	alpha := jobNames(t, ns, "alpha")
	if len(alpha) != 3 {
		t.Fatalf("alpha has Jobs %v, want 3", alpha)
	}

	r := MustMlexp(t, ns, "list", "-o", "jsonpath={.items[*].name}")
	if r.Stdout != "alpha beta" {
		t.Errorf("list -o jsonpath={.items[*].name} = %q, want %q", r.Stdout, "alpha beta")
	}
	r = MustMlexp(t, ns, "status", "alpha", "-o", "jsonpath={.items[*].name}")
	if got, want := sortedFields(r.Stdout), strings.Join(alpha, " "); got != want {
		t.Errorf("status -o jsonpath={.items[*].name} = %q, want the Jobs %q", got, want)
	}

	WaitFor(t, 3*time.Minute, "alpha's trials to succeed", func() (bool, string) {
		s, r := Status(t, ns, "alpha")
		return s.Count("Succeeded") == 3, s.Describe() + r.Stderr
	})
	r = MustMlexp(t, ns, "status", "experiment/alpha", "-o", "custom-columns=NAME:.name,LR:.params.lr,STATE:.state", "--sort-by", ".params.lr")
	want := "NAME   LR   STATE\n"
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(strings.Join(strings.Fields(lines[0]), " ")+"\n", strings.Join(strings.Fields(want), " ")) {
		t.Fatalf("status -o custom-columns:\n%s", r)
	}
	for i, lr := range []string{"0.001", "0.01", "0.1"} {
		f := strings.Fields(lines[i+1])
		if len(f) != 3 || f[1] != lr || f[2] != "Succeeded" {
			t.Errorf("custom-columns row %d = %q, want lr %s Succeeded (sorted by .params.lr)", i+1, lines[i+1], lr)
		}
	}
	r = MustMlexp(t, ns, "results", "alpha", "-o", "custom-columns=NAME:.name,ACC:.metrics.test_accuracy", "--no-headers")
	if f := strings.Fields(r.Stdout); len(f) != 6 || f[1] != "0.1" || f[5] != "0.001" {
		t.Errorf("results -o custom-columns (ranked, best first):\n%s", r)
	}

	// list -o name | xargs kubectl mlexp delete: every experiment goes.
	// (beta goes first by name, so xargs hands delete one experiment: delete
	// takes several once issue #9's change lands.)
	MustMlexp(t, ns, "delete", "experiment/beta")
	sh := exec.Command("bash", "-o", "pipefail", "-c", `kubectl mlexp list -o name -n "$NS" | xargs kubectl mlexp delete -n "$NS"`)
	sh.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "NS="+ns)
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("list -o name | xargs kubectl mlexp delete: %v\n%s", err, out)
	}
	for _, exp := range []string{"alpha", "beta"} {
		if left := jobNames(t, ns, exp); len(left) != 0 {
			t.Errorf("after list -o name | xargs delete, %s still has Jobs %v; output:\n%s", exp, left, out)
		}
	}
	if !strings.Contains(string(out), `job.batch "alpha-`) {
		t.Errorf("delete did not name the Jobs it deleted:\n%s", out)
	}
}

// complete runs kubectl's own bash completion in a real bash, as a TAB
// after line does, with the plugin's completion shim on PATH, and returns
// the candidates.
func complete(t *testing.T, kubeconfigNS, line string) []string {
	t.Helper()
	shimDir := t.TempDir()
	shim, err := os.ReadFile("../../kubectl_complete-mlexp")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shimDir, "kubectl_complete-mlexp"), shim, 0o755); err != nil {
		t.Fatal(err)
	}
	script := `source /usr/share/bash-completion/bash_completion
source <(kubectl completion bash)
compopt() { :; } # works only under a real TAB; it sets display options
read -r -a COMP_WORDS <<< "$LINE"
if [ "${LINE: -1}" = " " ]; then COMP_WORDS+=(""); fi
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$LINE"
COMP_POINT=${#LINE}
__start_kubectl kubectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
`
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfigNS, "LINE="+line, "PATH="+shimDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash completion of %q: %v\n%s", line, err, stderr.String())
	}
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			got = append(got, l)
		}
	}
	return got
}

// TestBashCompletion completes an experiment name and a trial's hash through
// kubectl's bash completion, kubectl's plugin completion and the
// kubectl_complete-mlexp shim, against the cluster.
func TestBashCompletion(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/share/bash-completion/bash_completion"); err != nil {
		t.Fatalf("kubectl's bash completion needs the bash-completion package (make check installs it): %v", err)
	}
	ns := NewNamespace(t, "complete")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "gamma.yaml", dialectExperiment("gamma")))
	jobs := jobNames(t, ns, "gamma")
	// A kubeconfig whose context names the test's namespace: what a user
	// with `kubectl config set-context --current --namespace` has.
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	data, err := os.ReadFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kc, data, 0o600); err != nil {
		t.Fatal(err)
	}
	set := exec.Command(kubectlBin, "config", "set-context", "--current", "--namespace", ns, "--kubeconfig", kc)
	if out, err := set.CombinedOutput(); err != nil {
		t.Fatalf("set namespace: %v\n%s", err, out)
	}

	if got := complete(t, kc, "kubectl mlexp sta"); !contains(got, "status") {
		t.Errorf("kubectl mlexp sta<TAB> = %v, want status", got)
	}
	if got := complete(t, kc, "kubectl mlexp status "); strings.Join(got, " ") != "gamma" {
		t.Errorf("kubectl mlexp status <TAB> = %v, want [gamma]", got)
	}
	if got := complete(t, kc, "kubectl mlexp results ga"); strings.Join(got, " ") != "gamma" {
		t.Errorf("kubectl mlexp results ga<TAB> = %v, want [gamma]", got)
	}
	hash := strings.TrimPrefix(jobs[0], "gamma-")
	got := complete(t, kc, "kubectl mlexp logs gamma "+hash[:3])
	if !contains(got, hash) {
		t.Errorf("kubectl mlexp logs gamma %s<TAB> = %v, want the hash %s", hash[:3], got, hash)
	}
	// bash breaks words at '=': the candidates are what follows it.
	got = complete(t, kc, "kubectl mlexp logs gamma --param-selector lr=")
	if strings.Join(got, " ") != "0.001 0.01 0.1" {
		t.Errorf("--param-selector lr=<TAB> = %v", got)
	}
	if got := complete(t, kc, "kubectl mlexp status gamma -o custom-col"); !contains(got, "custom-columns=") {
		t.Errorf("-o custom-col<TAB> = %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
