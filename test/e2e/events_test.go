//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// eventsExperiment queues: three trials ask for a whole CPU each on the
// 2-CPU node, so at least one waits with FailedScheduling; a fourth, small
// one allocates 64M under a 32Mi limit and is OOMKilled. The hog execs dd:
// the OOM killer kills the largest process of the container, and a shell
// surviving its child would exit 0 (the container still reads OOMKilled).
const eventsExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: crowd
spec:
  parameters:
    list:
      - {role: wait, n: 1, cpu: "1"}
      - {role: wait, n: 2, cpu: "1"}
      - {role: wait, n: 3, cpu: "1"}
      - {role: hog, n: 4, cpu: 10m}
  template:
    spec:
      backoffLimit: 0
      activeDeadlineSeconds: 900
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c]
            args:
            - |
              if [ ${role} = hog ]; then exec dd if=/dev/zero of=/dev/null bs=64M count=1; fi
              sleep 15
            resources:
              requests: {cpu: "${cpu}", memory: 8Mi}
              limits: {cpu: "${cpu}", memory: 32Mi}
`

// rawEvents is `events --raw -o json`.
type rawEvents struct {
	Events []struct {
		Trial   string `json:"trial"`
		Type    string `json:"type"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
		Count   int    `json:"count"`
		Source  string `json:"source"`
		Object  struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"object"`
	} `json:"items"`
}

// groupedEvents is `events -o json`.
type groupedEvents struct {
	Groups []struct {
		Type    string   `json:"type"`
		Reason  string   `json:"reason"`
		Kind    string   `json:"kind"`
		Message string   `json:"message"`
		Count   int      `json:"count"`
		Objects []string `json:"objects"`
	} `json:"items"`
}

// TestEventsReportQueueAndOOM checks that events groups the scheduler's
// FailedScheduling of the queued trials and reports the memory hog's end:
// the Job controller's BackoffLimitExceeded and the OOM kill, which the
// kubelet records in the pod's status only (no event).
func TestEventsReportQueueAndOOM(t *testing.T) {
	ns := NewNamespace(t, "events")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "crowd.yaml", eventsExperiment))

	roles := map[string]string{} // trial -> role
	hog := ""
	var hogStatus TrialStatus
	WaitFor(t, 6*time.Minute, "the hog to be OOM-killed and every trial to finish", func() (bool, string) {
		s, r := Status(t, ns, "crowd")
		if r.Err != nil {
			return false, r.String()
		}
		for _, tr := range s.Trials {
			roles[tr.Name] = fmt.Sprint(tr.Params["role"])
			if roles[tr.Name] == "hog" {
				hog, hogStatus = tr.Name, tr
			}
		}
		return len(s.Trials) == 4 && s.CountOOM() == 1 && s.Count("Succeeded") == 3, s.Describe()
	})
	// OOMKilled, or LikelyOOMKilled when the runtime reported the exit first
	oomReason := HogOutcome(t, hogStatus, "32Mi").Event

	var raw rawEvents
	WaitFor(t, 2*time.Minute, "FailedScheduling of a waiting trial and the hog's end among the events", func() (bool, string) {
		r := Mlexp(t, ns, "events", "crowd", "--raw", "-o", "json")
		if r.Err != nil {
			return false, r.String()
		}
		raw = rawEvents{}
		if err := json.Unmarshal([]byte(r.Stdout), &raw); err != nil {
			return false, fmt.Sprintf("%v\n%s", err, r)
		}
		sched, end, oom := false, false, false
		for _, e := range raw.Events {
			sched = sched || (e.Reason == "FailedScheduling" && roles[e.Trial] == "wait")
			end = end || (e.Trial == hog && e.Reason == "BackoffLimitExceeded")
			oom = oom || (e.Trial == hog && e.Reason == oomReason)
		}
		return sched && end && oom, r.Stdout
	})

	reasons := map[string][]string{} // role -> reasons seen
	for _, e := range raw.Events {
		role := roles[e.Trial]
		reasons[role] = append(reasons[role], e.Object.Kind+"/"+e.Reason)
		if e.Reason == "FailedScheduling" {
			// Any trial may wait, the small hog too when two big ones hold the node.
			if e.Type != "Warning" || !strings.Contains(e.Message, "Insufficient cpu") {
				t.Errorf("FailedScheduling event %+v; want a Warning saying Insufficient cpu", e)
			}
		}
		if e.Trial == hog && e.Reason == "BackoffLimitExceeded" && e.Object.Kind != "Job" {
			t.Errorf("BackoffLimitExceeded on %s, want the hog's Job", e.Object.Kind)
		}
		if e.Reason == oomReason {
			// The kubelet records no event for an OOM kill: it comes from the pod's status.
			if e.Trial != hog || e.Object.Kind != "Pod" || e.Source != "pod status" || !strings.Contains(e.Message, "memory limit of 32Mi") {
				t.Errorf("%s event %+v; want the hog's pod, from its status, at 32Mi", oomReason, e)
			}
		}
	}
	for role, rs := range reasons {
		sort.Strings(rs)
		t.Logf("events of the %s trials: %s", role, strings.Join(rs, " "))
	}

	// Grouped: one FailedScheduling row whatever the number of waiting pods.
	r := MustMlexp(t, ns, "events", "crowd", "-o", "json")
	var grouped groupedEvents
	if err := json.Unmarshal([]byte(r.Stdout), &grouped); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	n := 0
	for _, g := range grouped.Groups {
		if g.Reason == "FailedScheduling" {
			n++
			if g.Kind != "Pod" || g.Count < len(g.Objects) || len(g.Objects) == 0 {
				t.Errorf("FailedScheduling group %+v", g)
			}
		}
	}
	if n != 1 {
		t.Errorf("want one FailedScheduling group, got %d:\n%s", n, r.Stdout)
	}

	table := MustMlexp(t, ns, "events", "crowd")
	t.Logf("kubectl mlexp events crowd:\n%s%s", table.Stdout, table.Stderr)
	for _, reason := range []string{"FailedScheduling", "BackoffLimitExceeded", oomReason} {
		if !strings.Contains(table.Stdout, reason) {
			t.Errorf("events table misses %s:\n%s", reason, table.Stdout)
		}
	}
	warn := MustMlexp(t, ns, "events", "crowd", "--type", "Warning", "--raw")
	t.Logf("kubectl mlexp events crowd --type Warning --raw:\n%s", warn.Stdout)
	if strings.Contains(warn.Stdout, " Normal ") {
		t.Errorf("--type Warning printed a Normal event:\n%s", warn.Stdout)
	}
}
