//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// followLines is how many numbered lines each trial of the logs fault tests
// prints (five a second).
const followLines = 250

// checkNumbered checks that each of the n trials printed "line 0" to "line
// followLines-1" exactly once, in order, under its prefix.
func checkNumbered(t *testing.T, out string, n int) {
	t.Helper()
	got := byTrial(t, out)
	if len(got) != n {
		t.Errorf("lines of %d trials, want %d", len(got), n)
	}
	for name, msgs := range got {
		bad := 0
		for i := 0; i < max(len(msgs), followLines); i++ {
			want, have := fmt.Sprintf("line %d", i), "<missing>"
			if i < len(msgs) {
				have = msgs[i]
			}
			if have != want && bad < 5 {
				t.Errorf("trial %s: line %d is %q, want %q", name, i, have, want)
				bad++
			}
		}
		if len(msgs) != followLines {
			t.Errorf("trial %s: %d lines, want %d, each once", name, len(msgs), followLines)
		}
	}
}

// linesPerTrial counts the lines of each trial in the output of logs --all.
func linesPerTrial(out string) map[string]int {
	msgs, _ := splitByTrial(out)
	n := make(map[string]int, len(msgs))
	for name, m := range msgs {
		n[name] = len(m)
	}
	return n
}

// progressPerTrial reads the number of each trial's last printed line from
// the files loopExperiment's pods write in dir, keyed by trial (the pod's
// name less its random suffix).
func progressPerTrial(t *testing.T, dir string) map[string]int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]int{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			continue // caught between truncate and write
		}
		if i := strings.LastIndex(e.Name(), "-"); i > 0 {
			at[e.Name()[:i]] = max(at[e.Name()[:i]], n)
		}
	}
	return at
}

// followThrough follows 4 trials with `logs --all -f`, restarts one
// component of the node while they print, and checks that the stream
// resumes without losing or repeating a line and ends by itself.
func followThrough(t *testing.T, component string) {
	RequireDisruptive(t)
	ns := NewNamespace(t, "fault-logs")
	progress := t.TempDir()
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "numbered.yaml", loopExperiment("numbered", 4, followLines, progress)))
	logs := StartMlexp(t, ns, "logs", "numbered", "--all", "-f")
	WaitFor(t, 3*time.Minute, "every trial to print 40 lines", func() (bool, string) {
		return strings.Count(logs.Result().Stdout, "] line 39\n") == 4 || logs.Done(), logs.Result().String()
	})
	if logs.Done() {
		t.Fatalf("logs -f ended before the restart:\n%s", logs.Result())
	}
	StopComponent(t, component, false)
	// Keep it down until every trial has printed 25 more lines (5 s) than
	// the stream had shown when it stopped: lines the stream must catch up on.
	shown, down := linesPerTrial(logs.Result().Stdout), time.Now()
	WaitFor(t, 2*time.Minute, "every trial to print 25 lines while "+component+" is down", func() (bool, string) {
		at := progressPerTrial(t, progress)
		for name, n := range shown {
			if at[name] < min(n+25, followLines-1) {
				return false, fmt.Sprintf("stream had shown %v; trials at %v", shown, at)
			}
		}
		return true, ""
	})
	t.Logf("%s down %v, while the trials printed on", component, time.Since(down).Round(100*time.Millisecond))
	StartComponent(t, component)
	r := logs.Wait(t, 5*time.Minute)
	t.Logf("logs -f ran %v; stderr:\n%s", logs.Ran().Round(time.Second), r.Stderr)
	if r.Err != nil {
		t.Fatalf("logs -f failed:\n%s", r)
	}
	checkNumbered(t, r.Stdout, 4)
	if !strings.Contains(r.Stderr, "4 trials finished: 4 succeeded") {
		t.Errorf("logs -f did not end with the trials' summary:\n%s", r.Stderr)
	}
}

// TestFaultLogsFollowKubeletRestart: the kubelet serves the logs; it stops
// and starts while 4 trials print.
func TestFaultLogsFollowKubeletRestart(t *testing.T) { followThrough(t, "kubelet") }

// TestFaultLogsFollowContainerdRestart: containerd writes the containers'
// logs; it stops and starts while 4 trials print.
func TestFaultLogsFollowContainerdRestart(t *testing.T) { followThrough(t, "containerd") }
