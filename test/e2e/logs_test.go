//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// logsExperiment has six trials that print three steps a second apart and
// a final line of their own; two start late (an init container sleeps, so
// their pods are Pending when `logs -f` starts). Requests are tiny so all
// fit on the shared node.
const logsExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: chatty
spec:
  parameters:
    list:
      - {i: 0, delay: 0}
      - {i: 1, delay: 0}
      - {i: 2, delay: 0}
      - {i: 3, delay: 0}
      - {i: 4, delay: 8}
      - {i: 5, delay: 12}
  template:
    spec:
      backoffLimit: 0
      activeDeadlineSeconds: 600
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          initContainers:
          - name: wait
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sleep, "${delay}"]
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 100m, memory: 16Mi}
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c]
            args:
            - |
              for n in 1 2 3; do echo "trial ${i} step $n"; sleep 1; done
              echo "Test accuracy: 0.9${i}"
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 100m, memory: 16Mi}
`

// logLine is one prefixed line: "[TRIAL] MESSAGE".
var logLine = regexp.MustCompile(`^\[([a-z0-9][-a-z0-9]*)\] (.*)$`)

// splitByTrial splits prefixed output into each trial's messages, in
// order, and the lines that are not prefixed by a trial.
func splitByTrial(out string) (msgs map[string][]string, bare []string) {
	msgs = map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := logLine.FindStringSubmatch(line)
		if m == nil {
			bare = append(bare, line)
			continue
		}
		msgs[m[1]] = append(msgs[m[1]], m[2])
	}
	return msgs, bare
}

// byTrial splits prefixed output into each trial's messages, failing on a
// line that is not prefixed by a trial.
func byTrial(t *testing.T, out string) map[string][]string {
	t.Helper()
	msgs, bare := splitByTrial(out)
	for _, line := range bare {
		t.Errorf("line without a trial prefix: %q", line)
	}
	return msgs
}

// TestLogsFollowEndsWithExperiment runs `logs --all -f` right after submit
// and checks that it ends by itself once the last trial finishes, with
// every trial's lines once, in order, under its own prefix.
func TestLogsFollowEndsWithExperiment(t *testing.T) {
	ns := NewNamespace(t, "logs")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "chatty.yaml", logsExperiment))

	logs := StartMlexp(t, ns, "logs", "chatty", "--all", "-f")
	lr := logs.Wait(t, 8*time.Minute) // fails the test if it does not end by itself
	t.Logf("logs -f ran %v; stderr:\n%s", logs.Ran().Round(time.Second), lr.Stderr)
	if lr.Err != nil {
		t.Fatalf("logs -f: %v\nstdout:\n%s", lr.Err, lr.Stdout)
	}

	st, r := Status(t, ns, "chatty")
	if r.Err != nil || st.Count("Succeeded") != 6 {
		t.Fatalf("logs -f ended before every trial finished:\n%s%s", st.Describe(), r)
	}
	names := map[string]int{} // trial name -> i
	for _, tr := range st.Trials {
		names[tr.Name] = int(tr.Params["i"].(float64))
	}
	got := byTrial(t, lr.Stdout)
	for name, i := range names {
		want := []string{
			fmt.Sprintf("trial %d step 1", i), fmt.Sprintf("trial %d step 2", i),
			fmt.Sprintf("trial %d step 3", i), fmt.Sprintf("Test accuracy: 0.9%d", i),
		}
		if strings.Join(got[name], "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: got lines %q, want %q", name, got[name], want)
		}
	}
	if len(got) != 6 {
		t.Errorf("lines of %d trials, want 6", len(got))
	}
	summary := "6 trials finished: 6 succeeded; 6 streams, 24 lines"
	if !strings.Contains(lr.Stderr, summary) {
		t.Errorf("stderr lacks the summary %q", summary)
	}

	// Once more without -f: the same lines, a trial after another in
	// the experiment's order.
	r = MustMlexp(t, ns, "logs", "chatty", "--all")
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		if m := logLine.FindStringSubmatch(line); m != nil && strings.HasPrefix(m[2], "Test accuracy") {
			order = append(order, m[2])
		}
	}
	wantOrder := "Test accuracy: 0.90 Test accuracy: 0.91 Test accuracy: 0.92 Test accuracy: 0.93 Test accuracy: 0.94 Test accuracy: 0.95"
	if strings.Join(order, " ") != wantOrder {
		t.Errorf("logs --all: final lines in order %q, want %q\n%s", order, wantOrder, r.Stdout)
	}
	if n := strings.Count(r.Stdout, "\n"); n != 24 {
		t.Errorf("logs --all: %d lines, want 24", n)
	}
}

// TestLogsOneTrialAndJSON reads one trial by the hash part of its name,
// the parameter selector, and the JSON lines.
func TestLogsOneTrialAndJSON(t *testing.T) {
	ns := NewNamespace(t, "logs1")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "chatty.yaml", logsExperiment))
	WaitFor(t, 6*time.Minute, "every trial to finish", func() (bool, string) {
		st, r := Status(t, ns, "chatty")
		return r.Err == nil && st.Count("Succeeded") == 6, st.Describe() + r.Stderr
	})
	st, _ := Status(t, ns, "chatty")
	var name string
	for _, tr := range st.Trials {
		if tr.Params["i"].(float64) == 2 {
			name = tr.Name
		}
	}

	r := MustMlexp(t, ns, "logs", "chatty", strings.TrimPrefix(name, "chatty-"), "--tail", "1")
	if want := "[" + name + "] Test accuracy: 0.92\n"; r.Stdout != want {
		t.Errorf("logs chatty TRIAL --tail 1: got %q, want %q", r.Stdout, want)
	}

	r = MustMlexp(t, ns, "logs", "chatty", "--param-selector", "i=2", "-o", "json", "--params")
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("--param-selector i=2 -o json: %d lines, want 4:\n%s", len(lines), r.Stdout)
	}
	for _, line := range lines {
		var obj struct {
			Trial, Pod, Container, Timestamp, Message string
			Params                                    map[string]any
		}
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("not a JSON object: %q: %v", line, err)
		}
		if obj.Trial != name || obj.Container != "ml" || !strings.HasPrefix(obj.Pod, name+"-") ||
			obj.Params["i"] != float64(2) || obj.Params["delay"] != float64(0) {
			t.Errorf("object %+v, want trial %s container ml with its params", obj, name)
		}
		if _, err := time.Parse(time.RFC3339Nano, obj.Timestamp); err != nil {
			t.Errorf("timestamp %q: %v", obj.Timestamp, err)
		}
	}

	r = MustMlexp(t, ns, "logs", "chatty", "--all", "--all-containers", "--tail", "1", "--timestamps")
	if n := strings.Count(r.Stdout, "/ml] "); n != 6 {
		t.Errorf("--all-containers: %d lines of container ml, want 6 (the init container prints nothing):\n%s", n, r.Stdout)
	}
}
