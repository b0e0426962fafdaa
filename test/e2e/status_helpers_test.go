//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TrialStatus is one trial of `kubectl mlexp status -o json`.
type TrialStatus struct {
	Name        string `json:"name"`
	State       string `json:"state"`
	Reason      string `json:"reason"`
	Message     string `json:"message"`
	ExitCode    *int32 `json:"exitCode"`
	MemoryLimit string `json:"memoryLimit"`
	// OOMContainer is the container that ran out of memory.
	OOMContainer string         `json:"oomContainer"`
	Node         string         `json:"node"`
	Params       map[string]any `json:"params"`
	Queueing     *struct {
		Queue    string `json:"queue"`
		Workload string `json:"workload"`
		Position int    `json:"position"`
		Pending  int    `json:"pending"`
	} `json:"queueing"`
}

// StatusResult is `kubectl mlexp status -o json`.
type StatusResult struct {
	Summary map[string]int `json:"summary"`
	Trials  []TrialStatus  `json:"items"`
}

// Status runs `kubectl mlexp status EXP -o json` and decodes it.
func Status(t testing.TB, ns, exp string) (StatusResult, Result) {
	t.Helper()
	r := Mlexp(t, ns, "status", exp, "-o", "json")
	var s StatusResult
	if r.Err == nil {
		if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
			t.Fatalf("status -o json: %v\n%s", err, r)
		}
	}
	return s, r
}

// Describe renders trial states compactly for failure messages.
func (s StatusResult) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "summary %v\n", s.Summary)
	for _, tr := range s.Trials {
		fmt.Fprintf(&b, "  %s %s %s %s\n", tr.Name, tr.State, tr.Reason, tr.Message)
	}
	return b.String()
}

// Count returns how many trials are in state.
func (s StatusResult) Count(state string) int {
	n := 0
	for _, tr := range s.Trials {
		if tr.State == state {
			n++
		}
	}
	return n
}
