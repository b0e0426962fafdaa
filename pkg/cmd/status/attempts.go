package status

import "github.com/mlexp/kubectl-mlexp/pkg/trial"

// AnyRetried reports whether a trial runs a later attempt than its first:
// the table then shows ATTEMPTS (hidden while every trial is at 1).
func AnyRetried(statuses []trial.Status) bool {
	for i := range statuses {
		if statuses[i].Attempt > 1 {
			return true
		}
	}
	return false
}

// previous says why a trial's previous attempt ended, "-" if it has none.
func previous(s *trial.Status) string {
	if p := s.Previous(); p != nil {
		return p.Summary()
	}
	return "-"
}
