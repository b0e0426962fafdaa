// Package ranking builds the results table of an experiment from the
// metrics of its trials: sorted by one metric and a goal, the best trial
// marked, missing values last; and renders it as a table with a bar chart,
// CSV, JSON or YAML. It reads nothing from a cluster.
package ranking

import (
	"math"
	"sort"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Sources of a trial's metrics.
const (
	// SourceLog means the metrics were parsed from the trial's log.
	SourceLog = "log"
	// SourceTerminationMessage means the metrics came from the JSON the
	// trainer wrote to /dev/termination-log.
	SourceTerminationMessage = "termination-message"
)

// CurvePoint is one value of a metric during training.
type CurvePoint struct {
	// Step is the epoch the log named for the value, or -1 when it named none.
	Step int `json:"step"`
	// Line is the value's 1-based line number in the log.
	Line int `json:"line"`
	// Value is the metric's value.
	Value Value `json:"value"`
}

// Trial is one trial's input to the ranking.
type Trial struct {
	Name   string
	Params params.Params
	// Labels are the labels of the trial's Job.
	Labels map[string]string
	State  trial.State
	// OOMNote says how the trial ran out of memory when its state does not
	// (trial.Status.OOMNote): "likely out of memory", "with a process
	// OOM-killed".
	OOMNote string
	// PodGone says the trial finished and its pod no longer exists.
	PodGone bool
	// Pod names the pod whose log or termination message gave the metrics.
	Pod string
	// Source is SourceLog, SourceTerminationMessage or "" (no metrics).
	Source string
	// FromRecord says the metrics were read back from the Job's results
	// annotation rather than from the pod.
	FromRecord bool
	// Metrics holds the last value of each metric.
	Metrics map[string]float64
	// Curves holds each metric's values over training, when read from a log.
	Curves map[string][]CurvePoint
}

// Row is a trial in the ranked table.
type Row struct {
	Trial
	// Rank is the 1-based competition rank among trials with a number for
	// the ranking metric (equal values share a rank); 0 for the others.
	Rank int
	// Best marks the best trial, and any trial tied with it.
	Best bool
	// Value is the ranking metric's value; meaningful when HasValue.
	Value float64
	// HasValue says the trial reported the ranking metric (NaN included).
	HasValue bool
	// Reached says the value reached the table's Target.
	Reached bool
}

// Table is an experiment's trials ranked by one metric.
type Table struct {
	Metric string
	Goal   Goal
	// Rows are the trials, best first; trials whose metric is NaN follow
	// the ranked ones, and trials without it come last, in input order.
	Rows []Row
	// ParamNames is the union of parameter names in first-seen order.
	ParamNames []string
	// MetricNames is the ranking metric followed by every other metric by
	// name (or by LeadWith's order first).
	MetricNames []string
	// Target is the value of Metric a trial should reach; nil for none.
	Target *float64
}

// class orders rows: numbers first, then NaN, then no value.
func (r *Row) class() int {
	switch {
	case !r.HasValue:
		return 2
	case math.IsNaN(r.Value):
		return 1
	}
	return 0
}

// Rank sorts trials by metric towards goal (a Goal of "" is DefaultGoal of
// the metric) and marks the best: the first ranked trial that did not fail,
// with any trial tied with it. Ties keep the input order.
func Rank(trials []Trial, metric string, goal Goal) *Table {
	if goal == "" {
		goal = DefaultGoal(metric)
	}
	t := &Table{Metric: metric, Goal: goal, Rows: make([]Row, len(trials))}
	for i, tr := range trials {
		v, ok := tr.Metrics[metric]
		t.Rows[i] = Row{Trial: tr, Value: v, HasValue: ok}
	}
	sort.SliceStable(t.Rows, func(a, b int) bool {
		ra, rb := &t.Rows[a], &t.Rows[b]
		ca, cb := ra.class(), rb.class()
		if ca != cb || ca != 0 {
			return ca < cb
		}
		if goal == Min {
			return ra.Value < rb.Value
		}
		return ra.Value > rb.Value
	})
	t.rank()
	t.ParamNames = params.Columns(trials, func(t *Trial) params.Params { return t.Params })
	t.MetricNames = []string{}
	if metric != "" {
		t.MetricNames = append(t.MetricNames, metric)
	}
	for _, n := range MetricNames(trials) {
		if n != metric {
			t.MetricNames = append(t.MetricNames, n)
		}
	}
	return t
}

// rank numbers the rows with a number and marks the best.
func (t *Table) rank() {
	best := -1
	for i := range t.Rows {
		r := &t.Rows[i]
		if r.class() != 0 {
			break
		}
		r.Rank = i + 1
		if i > 0 && t.Rows[i-1].Value == r.Value {
			r.Rank = t.Rows[i-1].Rank
		}
		if failed(r.State) {
			continue
		}
		if best < 0 {
			best = i
		}
		r.Best = r.Value == t.Rows[best].Value
	}
}

func failed(s trial.State) bool {
	return s == trial.Failed || s == trial.OOMKilled
}

// Best returns the best row and how many rows tie with it, or nil.
func (t *Table) Best() (best *Row, tied int) {
	for i := range t.Rows {
		if !t.Rows[i].Best {
			continue
		}
		if best == nil {
			best = &t.Rows[i]
			continue
		}
		tied++
	}
	return best, tied
}
