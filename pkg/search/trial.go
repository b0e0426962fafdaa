package search

import (
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// State is where a trial is, as the search sees it.
type State int

// The states of a trial.
const (
	// Running has not finished: waiting, pending or running.
	Running State = iota
	// Completed finished and reported its objective.
	Completed
	// Failed finished without an objective (an error, OOMKilled, no metric).
	Failed
	// EarlyStopped was stopped by the early-stopping rule; its last
	// reported value stands as its objective (Katib counts it as a success).
	EarlyStopped
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case Running:
		return "Running"
	case Completed:
		return "Completed"
	case Failed:
		return "Failed"
	case EarlyStopped:
		return "EarlyStopped"
	}
	return "State(?)"
}

// Finished reports whether the trial has ended.
func (s State) Finished() bool { return s != Running }

// Step is one intermediate value of the objective: its value at a step
// (an epoch, say) of a running or finished trial.
type Step struct {
	Step  int
	Value float64
}

// Trial is one trial of the search as the driver reads it from its Job.
type Trial struct {
	// Index is the trial's suggestion index: 0 for the first suggestion, in
	// the order suggestions were made.
	Index  int
	Params params.Params
	State  State
	// Value is the final objective (as the experiment's metric strategy
	// reduces it) of a Completed or EarlyStopped trial; NaN when unknown.
	Value float64
	// Curve holds the intermediate objective values in step order.
	Curve []Step
	// Meta is what the algorithm attached to the trial's suggestion
	// (Suggestion.Meta), read back from the Job.
	Meta map[string]string
}

// HasValue reports whether the trial finished with an objective value.
func (t *Trial) HasValue() bool {
	return (t.State == Completed || t.State == EarlyStopped) && !math.IsNaN(t.Value) && !math.IsInf(t.Value, 0)
}

// Goal is the direction of the objective.
type Goal int

// The goals.
const (
	Minimize Goal = iota
	Maximize
)

// String returns the goal as Katib writes it.
func (g Goal) String() string {
	if g == Maximize {
		return "maximize"
	}
	return "minimize"
}

// Loss returns the value to minimize for an objective value v: v itself
// when minimizing, -v when maximizing.
func (g Goal) Loss(v float64) float64 {
	if g == Maximize {
		return -v
	}
	return v
}

// Better reports whether objective a is better than b under the goal.
func (g Goal) Better(a, b float64) bool { return g.Loss(a) < g.Loss(b) }

// NextIndex returns the index of the next suggestion: one past the largest
// index of trials (a trial deleted by hand leaves a gap that is never
// reused, so a new trial never takes the index, or the name, of another).
func NextIndex(trials []Trial) int {
	next := 0
	for i := range trials {
		if trials[i].Index >= next {
			next = trials[i].Index + 1
		}
	}
	return next
}
