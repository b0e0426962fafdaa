package ranking

import "github.com/mlexp/kubectl-mlexp/pkg/trial"

// IsEarlyStopped reports whether a trial in state s was stopped early by
// the search: it ran, reported values, and was told to stop.
func IsEarlyStopped(s trial.State) bool { return s == trial.EarlyStopped }

// EarlyStoppedNote is the sentence shown under the table when an
// early-stopped trial is ranked, or "".
func (t *Table) EarlyStoppedNote() string {
	for i := range t.Rows {
		if r := &t.Rows[i]; r.Rank > 0 && IsEarlyStopped(r.State) {
			return "early-stopped trials are ranked by their last reported value"
		}
	}
	return ""
}
