//go:build e2e

package e2e

import (
	"fmt"
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
	got := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		trialName, msg, ok := strings.Cut(line, "] ")
		if !ok || !strings.HasPrefix(trialName, "[") {
			t.Errorf("line without a trial prefix: %q", line)
			continue
		}
		got[trialName[1:]] = append(got[trialName[1:]], msg)
	}
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

// followThrough follows 4 trials with `logs --all -f`, restarts one
// component of the node while they print, and checks that the stream
// resumes without losing or repeating a line and ends by itself.
func followThrough(t *testing.T, component string) {
	RequireDisruptive(t)
	ns := NewNamespace(t, "fault-logs")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "numbered.yaml", loopExperiment("numbered", 4, followLines)))
	logs := StartMlexp(t, ns, "logs", "numbered", "--all", "-f")
	WaitFor(t, 3*time.Minute, "every trial to print 40 lines", func() (bool, string) {
		return strings.Count(logs.Result().Stdout, "] line 39\n") == 4 || logs.Done(), logs.Result().String()
	})
	if logs.Done() {
		t.Fatalf("logs -f ended before the restart:\n%s", logs.Result())
	}
	StopComponent(t, component, false)
	time.Sleep(5 * time.Second) // the trials print on meanwhile
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
