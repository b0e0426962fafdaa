package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// TestFailuresListEveryTrialThatRanOutOfMemory: OOMKilled, likely
// OOM-killed and succeeded-with-a-process-OOM-killed trials share the out
// of memory table, in status's words; the other failures keep theirs; the
// summary line names them.
func TestFailuresListEveryTrialThatRanOutOfMemory(t *testing.T) {
	exit := func(c int32) *int32 { return &c }
	statuses := []trial.Status{
		{Name: "a", State: trial.OOMKilled, Reason: trial.ReasonOOMKilled, MemoryLimit: "32Mi", ExitCode: exit(137), Message: "container ml exceeded its memory limit of 32Mi"},
		{Name: "b", State: trial.Failed, Reason: trial.ReasonLikelyOOMKilled, MemoryLimit: "32Mi", ExitCode: exit(137), Message: "container ml was killed (exit 137), most likely ..."},
		{Name: "c", State: trial.Succeeded, Reason: trial.ReasonProcessOOMKilled, MemoryLimit: "32Mi", ExitCode: exit(0), Message: "a process of container ml was OOM-killed ..."},
		{Name: "d", State: trial.Failed, Reason: "BackoffLimitExceeded", ExitCode: exit(3)},
		{Name: "e", State: trial.Succeeded},
	}
	var trials []ranking.Trial
	for _, s := range statuses {
		trials = append(trials, ranking.Trial{Name: s.Name, State: s.State})
	}
	m := newModel(Input{Experiment: "x", Statuses: statuses, Table: ranking.Rank(trials, "", ranking.Max)})
	f := m.failures()
	var got []string
	for _, x := range f.OutOfMemory {
		got = append(got, x.Trial+" "+x.State+": "+x.What)
	}
	want := []string{
		"a OOMKilled: OOMKilled at limit 32Mi (exit 137)",
		"b Failed: Killed (exit 137) — likely out of memory at 32Mi; the runtime did not report OOMKilled",
		"c Succeeded: ProcessOOMKilled at limit 32Mi (exit 0)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("out of memory (-want +got):\n%s", diff)
	}
	if len(f.Failed) != 1 || f.Failed[0].Trial != "d" {
		t.Errorf("failed = %+v, want d alone", f.Failed)
	}
	svg := string(m.resources().SVG)
	for _, want := range []string{"OOMKilled at its limit of 32Mi", "likely OOMKilled at its limit of 32Mi", "a process OOM-killed at its limit of 32Mi"} {
		if !strings.Contains(svg, ">"+want+"<") {
			t.Errorf("usage plot lacks %q:\n%s", want, svg)
		}
	}
	if got, want := m.summary(), "5 trials: 2 succeeded (1 with a process OOM-killed), 2 failed (1 likely out of memory), 1 oomkilled"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
}
