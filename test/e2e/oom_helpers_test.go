//go:build e2e

package e2e

import (
	"testing"
)

// OOMOutcome is how the plugin shows a container killed at its memory
// limit. The container runtime reports the kill OOMKilled only when it has
// seen the kernel's OOM event by the time it reports the exit; when the
// exit comes first it reports Error, exit 137, and the plugin shows the
// trial Failed, LikelyOOMKilled (about 1 run in 8 on the dev cluster).
// Both are right: a test finds which one happened and checks the plugin's
// words for it, instead of racing the runtime.
type OOMOutcome struct {
	// State and Reason are status -o json's.
	State, Reason string
	// Cell is status's REASON cell, and wait's after "failed: ".
	Cell string
	// Summary is the summary line's part for one such trial.
	Summary string
	// After is what retry says the attempt ended with.
	After string
	// Attempt is how status -o wide (PREVIOUS) and describe tell the attempt.
	Attempt string
	// Event is the reason of the trial's OOM event in `events`.
	Event string
}

// HogOutcome returns the outcome of tr, a trial whose container ran past
// its memory limit of limit, and fails the test when tr shows neither.
func HogOutcome(t testing.TB, tr TrialStatus, limit string) OOMOutcome {
	t.Helper()
	switch {
	case tr.State == "OOMKilled" && tr.Reason == "OOMKilled":
		cell := "OOMKilled at limit " + limit + " (exit 137)"
		return OOMOutcome{State: tr.State, Reason: tr.Reason, Cell: cell, Summary: "1 oomkilled", After: "OOMKilled", Attempt: cell, Event: "OOMKilled"}
	case tr.State == "Failed" && tr.Reason == "LikelyOOMKilled":
		cell := "Killed (exit 137) — likely out of memory at " + limit + "; the runtime did not report OOMKilled"
		t.Logf("%s: the runtime reported Error (exit 137), not OOMKilled; the plugin shows it LikelyOOMKilled", tr.Name)
		return OOMOutcome{State: tr.State, Reason: tr.Reason, Cell: cell, Summary: "1 failed (likely out of memory)",
			After: "Failed (likely out of memory)", Attempt: "Failed: " + cell, Event: "LikelyOOMKilled"}
	}
	t.Fatalf("%s: state %s reason %s (%s); want OOMKilled, or Failed with reason LikelyOOMKilled", tr.Name, tr.State, tr.Reason, tr.Message)
	return OOMOutcome{}
}

// RanOutOfMemory reports whether tr ended killed at its memory limit,
// whether the runtime reported it (OOMKilled) or not (LikelyOOMKilled).
func (tr TrialStatus) RanOutOfMemory() bool {
	return tr.State == "OOMKilled" || (tr.State == "Failed" && tr.Reason == "LikelyOOMKilled")
}

// CountOOM returns how many trials ran out of memory (RanOutOfMemory).
func (s StatusResult) CountOOM() int {
	n := 0
	for _, tr := range s.Trials {
		if tr.RanOutOfMemory() {
			n++
		}
	}
	return n
}
