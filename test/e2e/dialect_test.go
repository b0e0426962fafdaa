//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// dialectExperiment has three trials that print a metric and end; they ask
// for little, so they run beside other tests.
func dialectExperiment(name string) string {
	return ToolboxExperiment(name, "grid: {lr: [0.1, 0.01, 0.001]}", `echo "Test accuracy: ${lr}"`)
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

	// list -o name | xargs kubectl mlexp delete: every experiment goes, in
	// one delete of both.
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
	if !strings.Contains(string(out), `job.batch "alpha-`) || !strings.Contains(string(out), `job.batch "beta-`) {
		t.Errorf("delete did not name the Jobs it deleted:\n%s", out)
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
