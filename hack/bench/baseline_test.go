package main

import (
	"strings"
	"testing"
	"time"
)

// TestOnlySelects pins what -only measures: the rows whose command
// matches, the baselines beside them, nothing else.
func TestOnlySelects(t *testing.T) {
	cfg, err := parseFlags([]string{"-n", "1000", "-only", "^(status|list)"})
	if err != nil {
		t.Fatal(err)
	}
	b := &Bench{cfg: cfg}
	for what, want := range map[string]bool{
		"status": true, "status (ran)": true, "status -w": true, "list (ran)": true,
		"delete": false, "results (ran)": false, "submit again (no-op)": false, "top (ran)": false,
	} {
		if got := b.selected(what); got != want {
			t.Errorf("-only ^(status|list): selected(%q) = %v, want %v", what, got, want)
		}
	}
	if !b.anySelected(simulatedRows()...) {
		t.Error("-only ^(status|list) does not run the trials on simulated nodes that status (ran) needs")
	}
	if b.anySelected(interruptRows...) {
		t.Error("-only ^(status|list) runs the interrupted submit")
	}
	if all := (&Bench{}); !all.selected("anything") {
		t.Error("without -only a row is not selected")
	}
	if _, err := parseFlags([]string{"-only", "("}); err == nil || !strings.Contains(err.Error(), "-only") {
		t.Errorf("a bad -only: err = %v, want one naming -only", err)
	}
}

// TestCheckRSS fails the plugin rows above the bound, and only them.
func TestCheckRSS(t *testing.T) {
	var tb Table
	tb.Add(Row{N: 1000, What: "status", Run: Run{Args: []string{"/x/bin/kubectl-mlexp-bench", "status"}, MaxRSS: 70 << 20}})
	tb.Add(Row{N: 1000, What: "list", Run: Run{Args: []string{"/x/bin/kubectl-mlexp-bench", "list"}, MaxRSS: 40 << 20}})
	tb.Add(Row{N: 1000, What: getJobsRow, Run: Run{Args: []string{"/x/kubectl", "get"}, MaxRSS: 90 << 20}})
	tb.Add(Row{N: 1000, What: rawRow, InProc: true})
	tb.CheckRSS(64 << 20)
	failed := tb.Failures()
	if len(failed) != 1 || failed[0].What != "status" || !strings.Contains(failed[0].Note, "peak RSS 70 MiB is above -max-rss 64 MiB") {
		t.Errorf("failures = %+v, want status alone", failed)
	}
}

// TestNoteRatio gives a plugin row its ratios to its baseline.
func TestNoteRatio(t *testing.T) {
	b := &Bench{}
	b.table.Add(Row{N: 10, What: getJobsRow, Run: Run{Wall: time.Second, MaxRSS: 50 << 20}})
	b.table.Add(Row{N: 10, What: getPodsRow, Run: Run{Wall: time.Second, MaxRSS: 40 << 20}})
	b.table.Add(Row{N: 10, What: deleteBaselineRow, Run: Run{Wall: 4 * time.Second, MaxRSS: 50 << 20}})
	st := b.table.Add(Row{N: 10, What: "status", Run: Run{Wall: 3 * time.Second, MaxRSS: 100 << 20}})
	b.noteGetRatio(st, "")
	if st.Note != "1.50x kubectl get jobs+pods (RSS 2.00x)" {
		t.Errorf("status note = %q", st.Note)
	}
	del := b.table.Add(Row{N: 10, What: "delete", Run: Run{Wall: 5 * time.Second, MaxRSS: 25 << 20}, Note: "x"})
	b.noteRatio(del, deleteBaselineRow, "kubectl delete")
	if del.Note != "x, 1.25x kubectl delete (RSS 0.50x)" {
		t.Errorf("delete note = %q", del.Note)
	}
	other := b.table.Add(Row{N: 20, What: "delete", Run: Run{Wall: time.Second}})
	b.noteRatio(other, deleteBaselineRow, "kubectl delete")
	if other.Note != "" {
		t.Errorf("a row without a baseline of its N got %q", other.Note)
	}
}
