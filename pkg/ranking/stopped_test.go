package ranking

import (
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// TestEarlyStoppedNote: the note under the table appears only when an
// early-stopped trial is ranked, and the Markdown table carries it too.
func TestEarlyStoppedNote(t *testing.T) {
	trials := []Trial{
		{Name: "a", State: trial.Succeeded, Metrics: map[string]float64{"loss": 0.2}},
		{Name: "b", State: "EarlyStopped", Metrics: map[string]float64{"loss": 0.9}},
	}
	tab := Rank(trials, "loss", Min)
	want := "early-stopped trials are ranked by their last reported value"
	if got := tab.EarlyStoppedNote(); got != want {
		t.Errorf("note = %q, want %q", got, want)
	}
	var b strings.Builder
	if err := tab.WriteMarkdown(&b, "e"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), "\n"+want+"\n") {
		t.Errorf("markdown does not end with the note:\n%s", b.String())
	}
	if !IsEarlyStopped(tab.Rows[1].State) || IsEarlyStopped(tab.Rows[0].State) {
		t.Errorf("IsEarlyStopped: %v %v", tab.Rows[0].State, tab.Rows[1].State)
	}
	for name, tr := range map[string][]Trial{
		"none stopped":      trials[:1],
		"stopped, no value": {trials[0], {Name: "c", State: "EarlyStopped"}},
	} {
		tab := Rank(tr, "loss", Min)
		if got := tab.EarlyStoppedNote(); got != "" {
			t.Errorf("%s: note = %q, want none", name, got)
		}
		b.Reset()
		_ = tab.WriteMarkdown(&b, "e")
		if strings.Contains(b.String(), "early-stopped") {
			t.Errorf("%s: markdown has the note", name)
		}
	}
}
