package ranking

import (
	"fmt"
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
)

// SetTarget records the value the ranking metric should reach (Katib's
// objective goal: at least it for Max, at most for Min) and marks the rows
// that reached it; a failed trial or a NaN never reaches it.
func (t *Table) SetTarget(target float64) {
	t.Target = &target
	for i := range t.Rows {
		r := &t.Rows[i]
		r.Reached = r.class() == 0 && !failed(r.State) &&
			(t.Goal == Min && r.Value <= target || t.Goal != Min && r.Value >= target)
	}
}

// Reached returns how many rows reached the target.
func (t *Table) Reached() int {
	n := 0
	for i := range t.Rows {
		if t.Rows[i].Reached {
			n++
		}
	}
	return n
}

// TargetText renders the target as a condition, e.g. "loss<=0.001".
func (t *Table) TargetText() string {
	if t.Target == nil {
		return ""
	}
	op := ">="
	if t.Goal == Min {
		op = "<="
	}
	return t.Metric + op + FormatExact(*t.Target)
}

// targetLine is the sentence the best line ends with when there is a
// target, e.g. "goal loss<=0.001 reached by 2 of 12 trials".
func (t *Table) targetLine() string {
	if t.Target == nil {
		return ""
	}
	n := t.Reached()
	if n == 0 {
		return fmt.Sprintf("goal %s not reached", t.TargetText())
	}
	return fmt.Sprintf("goal %s reached by %d of %d trials", t.TargetText(), n, len(t.Rows))
}

// LeadWith puts metrics right after the ranking metric, in order, shown
// even when no trial reported them (Katib's additionalMetricNames); names
// are matched as the log parser names them.
func (t *Table) LeadWith(metrics []string) {
	if len(metrics) == 0 {
		return
	}
	var lead []string
	seen := map[string]bool{}
	if t.Metric != "" {
		lead, seen[t.Metric] = append(lead, t.Metric), true
	}
	for _, m := range metrics {
		m = logmetrics.NormalizeName(m)
		if !seen[m] {
			lead, seen[m] = append(lead, m), true
		}
	}
	for _, m := range t.MetricNames {
		if !seen[m] {
			lead, seen[m] = append(lead, m), true
		}
	}
	t.MetricNames = lead
}

// reachedCell is a row's cell in the goal column.
func reachedCell(r *Row) string {
	switch {
	case r.Reached:
		return "reached"
	case r.HasValue && !math.IsNaN(r.Value):
		return "-"
	}
	return None
}
