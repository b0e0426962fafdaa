//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// watchedExperiment has 3 trials on the real node that each run about 45 s:
// long enough to be running when the API server stops, short enough for the
// watches to end by themselves soon after it is back.
var watchedExperiment = ToolboxExperiment("watched", "list: [{i: 1}, {i: 2}, {i: 3}]", `sleep 45; echo "Test accuracy: 0.${i}"`)

// TestFaultWatchesAcrossAPIServerRestart restarts the API server while
// `status -w`, `top -w`, `events -w` and `wait` follow a running experiment.
// Each says it lost the server and that it answers again, goes on, prints no
// row twice, and (but events -w, which follows until Ctrl-C) ends by itself
// with exit status 0 when the trials have succeeded.
func TestFaultWatchesAcrossAPIServerRestart(t *testing.T) {
	RequireDisruptive(t)
	ns := NewNamespace(t, "fault-watch")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "watched.yaml", watchedExperiment))
	WaitFor(t, 3*time.Minute, "3 trials Running", func() (bool, string) {
		s, r := Status(t, ns, "watched")
		return r.Err == nil && s.Count("Running") == 3, s.Describe() + r.String()
	})
	watches := map[string]*Bg{
		"status -w": StartMlexp(t, ns, "status", "watched", "-w", "--no-headers"),
		"top -w":    StartMlexp(t, ns, "top", "watched", "-w", "--interval", "2s"),
		"events -w": StartMlexp(t, ns, "events", "watched", "-w"),
		"wait":      StartMlexp(t, ns, "wait", "watched", "--timeout", "5m"),
	}
	WaitFor(t, time.Minute, "status -w to print the 3 running trials", func() (bool, string) {
		out := watches["status -w"].Result()
		return strings.Count(out.Stdout, "Running") >= 3, out.String()
	})
	StopComponent(t, "kube-apiserver", false)
	down := time.Now()
	WaitFor(t, time.Minute, "every watch to notice the stopped API server", func() (bool, string) {
		var saw []string
		for name, b := range watches {
			if !strings.Contains(b.Result().Stderr, "warning: lost the API server (") {
				saw = append(saw, name+" has not noticed:\n"+b.Result().String())
			}
		}
		return len(saw) == 0, strings.Join(saw, "\n")
	})
	StartComponent(t, "kube-apiserver")
	t.Logf("API server down for %v", time.Since(down).Round(time.Second))

	for _, name := range []string{"wait", "status -w", "top -w"} {
		r := watches[name].Wait(t, 4*time.Minute)
		t.Logf("%s ran %v:\n%s", name, watches[name].Ran().Round(time.Second), r)
		if r.Err != nil {
			t.Errorf("%s ended with %v after the restart:\n%s", name, r.Err, r)
		}
		if !strings.Contains(r.Stderr, "the API server answers again after ") {
			t.Errorf("%s did not say the API server answers again:\n%s", name, r.Stderr)
		}
		// Piped, a note that has not changed is not said again.
		lines := strings.Split(r.Stderr, "\n")
		for i := 1; i < len(lines); i++ {
			if lines[i] != "" && lines[i] == lines[i-1] {
				t.Errorf("%s said %q twice in a row:\n%s", name, lines[i], r.Stderr)
				break
			}
		}
		if strings.Contains(r.Stdout, "\n\n\n") {
			t.Errorf("%s printed empty frames:\n%q", name, r.Stdout)
		}
	}
	checkStatusRows(t, watches["status -w"].Result().Stdout)

	// The Job controller records "Completed" once it has removed the pods'
	// tracking finalizers; after a restart its informers can lag the pods by
	// a minute or more (measured: 50 s after the pods succeeded, when the
	// restart follows another one). Wait for the API server to hold the
	// events, then for events -w to print them.
	ev := watches["events -w"]
	WaitFor(t, 5*time.Minute, "the API server to hold the 3 Jobs' Completed events", func() (bool, string) {
		r := Kubectl(t, ns, "get", "events", "--field-selector", "reason=Completed,involvedObject.kind=Job", "-o", "name")
		n := len(strings.Fields(r.Stdout))
		return r.Err == nil && n == 3, fmt.Sprintf("%d Completed events; %s", n, r)
	})
	WaitFor(t, 2*time.Minute, "events -w to print the trials' completion, after the restart", func() (bool, string) {
		r := ev.Result()
		return hasLine(r.Stdout, "Completed", "3 jobs") && strings.Contains(r.Stderr, "answers again"), r.String()
	})
	ev.Interrupt()
	r := ev.Wait(t, time.Minute)
	t.Logf("events -w:\n%s", r)
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		if seen[line] {
			t.Errorf("events -w printed a line twice: %q\n%s", line, r.Stdout)
		}
		seen[line] = true
	}
}

// checkStatusRows checks the rows `status -w --no-headers` printed: each
// trial's state changes from row to row (a restart re-lists the trials, and
// must not print their unchanged rows again), and every trial ends Succeeded.
func checkStatusRows(t *testing.T, out string) {
	t.Helper()
	states := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			t.Errorf("status -w row %q has fewer than 3 columns", line)
			continue
		}
		trialName, state := f[0], f[2]
		if s := states[trialName]; len(s) > 0 && s[len(s)-1] == state {
			t.Errorf("status -w printed trial %s %s twice in a row:\n%s", trialName, state, out)
		}
		states[trialName] = append(states[trialName], state)
	}
	if len(states) != 3 {
		t.Errorf("status -w printed %d trials, want 3:\n%s", len(states), out)
	}
	for name, s := range states {
		if s[len(s)-1] != "Succeeded" {
			t.Errorf("trial %s ended %s in status -w, want Succeeded (states %v)", name, s[len(s)-1], s)
		}
	}
}

// hasLine reports whether a line of out contains every one of parts.
func hasLine(out string, parts ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
