//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// firstHourScript is a trial that prints its own metric and fails for k=2:
// the first hour meets a failed trial and its retry.
const firstHourScript = `echo "trial k=${k} loss=0.${k}"; [ ${k} = 2 ] && exit 1; exit 0`

// TestFirstHour follows the README's quick start as a new user does, in a
// namespace that is not the context's: submit with -n, then every command
// the plugin's own output suggests, pasted as printed (no -n added by the
// test). Each must run and exit as a user expects, and results must show
// the values the trials' own command printed.
func TestFirstHour(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "hour")
	file := WriteFile(t, "toy.yaml", ToolboxExperiment("toy", "grid: {k: [1, 2, 3]}", firstHourScript))

	sub := Kubectl(t, "", "mlexp", "submit", "-f", file, "-n", ns)
	if sub.Err != nil {
		t.Fatalf("submit: %s", sub)
	}
	hints := suggested(sub.Stderr)
	if len(hints) != 3 {
		t.Fatalf("submit suggested %d commands, want status -w, logs --all -f, results:\n%s", len(hints), sub)
	}
	for _, h := range hints {
		r := runSuggested(t, h)
		if r.Err != nil {
			t.Errorf("the suggested %q failed: %s", h, r)
		}
		if strings.Contains(h, "results") {
			for _, want := range []string{"0.1", "0.3"} {
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("results lacks the loss %s the trials printed:\n%s", want, r)
				}
			}
		}
		if strings.Contains(h, "logs") && !strings.Contains(r.Stdout, "trial k=2 loss=0.2") {
			t.Errorf("logs --all lacks trial k=2's own line:\n%s", r)
		}
	}

	retry := Kubectl(t, "", "mlexp", "retry", "toy", "-n", ns)
	if retry.Err != nil {
		t.Fatalf("retry: %s", retry)
	}
	hints = suggested(retry.Stderr)
	if len(hints) != 1 || !strings.Contains(hints[0], " wait ") {
		t.Fatalf("retry suggested %q, want one wait command:\n%s", hints, retry)
	}
	// The retried trial fails again by its own command: wait says so with
	// exit status 1, not "not found".
	w := runSuggested(t, hints[0])
	if code := exitCode(w); code != 1 || strings.Contains(w.Stderr, "not found") {
		t.Errorf("the suggested %q: exit %d, want 1 (one trial failed):\n%s", hints[0], code, w)
	}

	// A command that forgets -n is told where the experiment is.
	miss := Kubectl(t, "", "mlexp", "status", "toy")
	if miss.Err == nil || !strings.Contains(miss.Stderr, "add -n "+ns) {
		t.Errorf("status without -n does not say where toy is:\n%s", miss)
	}
}

// suggested returns the "kubectl mlexp ..." lines a command printed as
// hints, as printed.
func suggested(out string) []string {
	var hs []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "kubectl mlexp ") {
			hs = append(hs, l)
		}
	}
	return hs
}

// runSuggested runs a printed command line of plain words as it is.
func runSuggested(t *testing.T, line string) Result {
	t.Helper()
	if strings.ContainsAny(line, `'"\`) {
		t.Fatalf("cannot run %q: it is quoted", line)
	}
	return Kubectl(t, "", strings.Fields(line)[1:]...)
}
