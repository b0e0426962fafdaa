package drive

import (
	"errors"
	"fmt"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// Spec is what the driver knows of a search besides its trials: the
// experiment file's algorithm, objective and trial counts (Katib's
// parallelTrialCount, maxTrialCount, maxFailedTrialCount and
// objective.goal).
type Spec struct {
	Algorithm search.Algorithm
	// Stopper is the early-stopping rule; nil without one.
	Stopper search.Stopper
	Goal    search.Goal
	// Target ends the search once a finished trial's objective reaches it
	// (Katib's objective.goal); nil never ends it early.
	Target *float64
	// Parallel is the most trials unfinished at once; at least 1.
	Parallel int
	// MaxTrials is how many trials finish before the search ends; 0 runs
	// until the algorithm has nothing left to propose.
	MaxTrials int
	// MaxFailed fails the search once that many trials failed; 0 never.
	MaxFailed int
}

// EndReason says why a search ended.
type EndReason string

// The ways a search ends, named as Katib's experiment conditions.
const (
	GoalReached      EndReason = "GoalReached"
	MaxTrialsReached EndReason = "MaxTrialsReached"
	MaxFailedReached EndReason = "MaxFailedTrialsReached"
	SuggestionsEnded EndReason = "SuggestionEndReached"
)

// End is how a search ended: no new trial is created once it is set.
type End struct {
	Reason EndReason `json:"reason"`
	// Failed is true when the experiment failed (MaxFailedReached).
	Failed bool `json:"failed,omitempty"`
	// Message is one sentence for status and the driver's last line.
	Message string `json:"message"`
}

// Planned is one trial to create: a suggestion and its index.
type Planned struct {
	Index int
	search.Suggestion
}

// Decision is the driver's next move.
type Decision struct {
	// Create are the trials to create now, in index order.
	Create []Planned
	// Stop are the running trials to stop early.
	Stop []search.Stop
	// End is set once the search has ended; running trials may still be
	// finishing (Running says how many).
	End *End
	// Counts of the trials the decision was made on.
	Finished, Failed, Running int
	// Best is the index of the best finished trial, -1 when none has a value.
	Best int
}

// Done reports whether the driver has nothing left to do: the search ended
// and, unless it ended at its goal or failed, no trial is still running.
func (d *Decision) Done() bool {
	if d.End == nil {
		return false
	}
	return d.Running == 0 || d.End.Reason == GoalReached || d.End.Failed
}

// Decide returns the next move of the search given every trial so far, as
// Katib's experiment controller decides it (status_util.go and
// experiment_controller.go's ReconcileTrials): the goal first, then
// maxFailedTrialCount, then maxTrialCount; otherwise early stops, and as
// many new trials as keep at most Parallel unfinished and at most
// MaxTrials in all.
func Decide(spec Spec, trials []search.Trial) (Decision, error) {
	d := Tally(spec, trials)
	if d.End != nil {
		return d, nil
	}
	if spec.Stopper != nil {
		d.Stop = spec.Stopper.Stop(trials)
	}
	running := d.Running - len(d.Stop)
	want := max(spec.Parallel, 1) - running
	if spec.MaxTrials > 0 {
		want = min(want, spec.MaxTrials-(d.Finished+len(d.Stop))-running)
	}
	if want <= 0 {
		return d, nil
	}
	sugs, err := spec.Algorithm.Suggest(trials, want)
	if errors.Is(err, search.ErrExhausted) {
		if running == 0 {
			d.End = &End{Reason: SuggestionsEnded, Message: "the algorithm has no trial left to propose"}
		}
		return d, nil
	}
	if err != nil {
		return d, err
	}
	next := search.NextIndex(trials)
	for i, s := range sugs {
		d.Create = append(d.Create, Planned{Index: next + i, Suggestion: s})
	}
	return d, nil
}

// Tally counts the trials and finds the best, and says whether the search
// has ended by its counts or goal: the goal first, then
// maxFailedTrialCount, then maxTrialCount, as Katib's experiment
// controller checks them (status_util.go). It needs no algorithm: status
// and wait tell a search's end with it.
func Tally(spec Spec, trials []search.Trial) Decision {
	d := Decision{Best: -1}
	for i := range trials {
		t := &trials[i]
		switch t.State {
		case search.Running:
			d.Running++
		case search.Failed:
			d.Failed++
			d.Finished++
		default:
			d.Finished++
		}
		if t.HasValue() && (d.Best < 0 || spec.Goal.Better(t.Value, valueOf(trials, d.Best))) {
			d.Best = t.Index
		}
	}
	switch {
	case d.Best >= 0 && spec.Target != nil && !spec.Goal.Better(*spec.Target, valueOf(trials, d.Best)):
		d.End = &End{Reason: GoalReached, Message: fmt.Sprintf("the objective reached its goal %v (trial %d: %v)", *spec.Target, d.Best, valueOf(trials, d.Best))}
	case spec.MaxFailed > 0 && d.Failed >= spec.MaxFailed:
		d.End = &End{Reason: MaxFailedReached, Failed: true, Message: fmt.Sprintf("%d trials failed (maxFailedTrialCount %d)", d.Failed, spec.MaxFailed)}
	case spec.MaxTrials > 0 && d.Finished >= spec.MaxTrials:
		d.End = &End{Reason: MaxTrialsReached, Message: fmt.Sprintf("%d trials finished (maxTrialCount %d)", d.Finished, spec.MaxTrials)}
	}
	return d
}

// valueOf returns the objective of the trial with index i.
func valueOf(trials []search.Trial, i int) float64 {
	for k := range trials {
		if trials[k].Index == i {
			return trials[k].Value
		}
	}
	return 0
}
