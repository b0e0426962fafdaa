//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// topExperiment has a busy trial (a shell spinning under a 500m CPU
// limit) and an idle one; both ask for little so they share the node with
// other tests.
const topExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: busy
spec:
  parameters:
    list:
      - {mode: spin}
      - {mode: idle}
  template:
    spec:
      backoffLimit: 0
      activeDeadlineSeconds: 600
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
              if [ ${mode} = spin ]; then while :; do :; done; else sleep 600; fi
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 500m, memory: 32Mi}
`

// topResult is the part of `top -o json` the test reads.
type topResult struct {
	Summary map[string]int `json:"summary"`
	Trials  []struct {
		Trial  string         `json:"name"`
		Params map[string]any `json:"params"`
		Node   string         `json:"node"`
		Usage  *struct {
			CPU    *int64 `json:"cpuMillicores"`
			Memory *int64 `json:"memoryBytes"`
		} `json:"usage"`
		Limits struct {
			CPU    *int64 `json:"cpuMillicores"`
			Memory *int64 `json:"memoryBytes"`
		} `json:"limits"`
		MemoryLimitPercent *float64 `json:"memoryLimitPercent"`
	} `json:"items"`
	Nodes []struct {
		Name  string `json:"name"`
		Usage *struct {
			CPU *int64 `json:"cpuMillicores"`
		} `json:"usage"`
	} `json:"nodes"`
	Notes []string `json:"notes"`
}

func (r topResult) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "summary %v notes %q\n", r.Summary, r.Notes)
	for _, tr := range r.Trials {
		cpu := "<no sample>"
		if tr.Usage != nil && tr.Usage.CPU != nil {
			cpu = fmt.Sprintf("%dm", *tr.Usage.CPU)
		}
		fmt.Fprintf(&b, "  %s %v cpu=%s node=%s\n", tr.Trial, tr.Params["mode"], cpu, tr.Node)
	}
	return b.String()
}

// TestTopShowsBusyTrial waits until metrics-server has sampled both running
// trials and checks that top shows a row for each, the spinning one busy
// (and held under its 500m limit), plus the node they run on.
func TestTopShowsBusyTrial(t *testing.T) {
	ns := NewNamespace(t, "top")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "busy.yaml", topExperiment))

	var last topResult
	// metrics-server samples every 10-15s and needs two samples of a new
	// container for a CPU rate: allow a few minutes on a shared node.
	WaitFor(t, 4*time.Minute, "top to show both trials with samples and a busy spinner", func() (bool, string) {
		r := Mlexp(t, ns, "top", "busy", "-o", "json")
		if r.Err != nil {
			return false, r.String()
		}
		last = topResult{}
		if err := json.Unmarshal([]byte(r.Stdout), &last); err != nil {
			return false, fmt.Sprintf("%v\n%s", err, r)
		}
		if len(last.Trials) != 2 {
			return false, last.describe()
		}
		for _, tr := range last.Trials {
			if tr.Usage == nil || tr.Usage.CPU == nil {
				return false, last.describe()
			}
			if tr.Params["mode"] == "spin" && *tr.Usage.CPU == 0 {
				return false, last.describe()
			}
		}
		return true, ""
	})
	for _, tr := range last.Trials {
		if tr.Limits.CPU == nil || *tr.Limits.CPU != 500 || tr.Limits.Memory == nil || *tr.Limits.Memory != 32<<20 {
			t.Errorf("%s: limits %+v, want 500m/32Mi", tr.Trial, tr.Limits)
		}
		if tr.MemoryLimitPercent == nil {
			t.Errorf("%s: no memory limit percent", tr.Trial)
		}
		if tr.Params["mode"] == "spin" {
			t.Logf("spinning trial %s: %dm of its 500m limit", tr.Trial, *tr.Usage.CPU)
			// Non-zero (waited for above) and held by its limit; how much of
			// it the spinner gets depends on what else the shared node runs.
			if *tr.Usage.CPU > 600 {
				t.Errorf("spinning trial uses %dm, over its 500m limit", *tr.Usage.CPU)
			}
		}
	}
	if len(last.Nodes) != 1 || last.Nodes[0].Usage == nil {
		t.Errorf("nodes: %+v; want the one node with its usage", last.Nodes)
	}

	// The table: a header, one row per running trial, the total and the node.
	r := MustMlexp(t, ns, "top", "busy", "--sort-by", "cpu")
	t.Logf("kubectl mlexp top busy --sort-by cpu:\n%s%s", r.Stdout, r.Stderr)
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "TRIAL") || !strings.Contains(lines[0], "MEMORY%LIMIT") {
		t.Fatalf("top table:\n%s", r.Stdout)
	}
	if !strings.Contains(lines[1], "spin") || !strings.Contains(lines[2], "idle") || !strings.HasPrefix(lines[3], "TOTAL") {
		t.Errorf("want spin, idle, TOTAL rows sorted by cpu:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stdout, "2 trials: 2 running") || !strings.Contains(r.Stdout, "\nNODE") {
		t.Errorf("want the summary and the nodes table:\n%s", r.Stdout)
	}
}
