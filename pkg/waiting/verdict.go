// Package waiting waits for an experiment's trials to finish (or its
// adaptive search to end), as `wait` and `submit --wait` do: the
// condition, the verdict on the trials, the exit status it asks for.
package waiting

import (
	"fmt"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Condition is what `wait` waits for.
type Condition string

const (
	// ForSucceeded waits until every trial has finished and succeeds only
	// if each succeeded.
	ForSucceeded Condition = "succeeded"
	// ForFinished waits until every trial has finished, whatever the outcome.
	ForFinished Condition = "finished"
)

// ParseCondition reads a condition (wait --for).
func ParseCondition(v string) (Condition, error) {
	switch Condition(v) {
	case ForSucceeded, ForFinished:
		return Condition(v), nil
	}
	return "", fmt.Errorf("unknown condition %q (allowed: succeeded, finished)", v)
}

// Exit codes of `wait` and `submit --wait`.
const (
	// ExitOK: the condition was met.
	ExitOK = 0
	// ExitFailed: a trial failed (with --for=succeeded), or an error.
	ExitFailed = 1
	// ExitTimeout: the timeout passed before every trial finished, and none
	// had failed.
	ExitTimeout = 2
)

// Verdict is where a wait stands after one look at the trials.
type Verdict struct {
	// Done says the wait is over: every trial finished, or (fail fast) the
	// condition can no longer be met.
	Done bool
	// Failed are the trials that failed, in trial order.
	Failed []trial.Status
	// Unfinished are the trials still pending, running or suspended.
	Unfinished []trial.Status
}

// Decide looks at the current trials. With failFast and ForSucceeded, one
// failure ends the wait at once.
func Decide(statuses []trial.Status, cond Condition, failFast bool) Verdict {
	var v Verdict
	for _, s := range statuses {
		switch {
		case !s.State.Finished():
			v.Unfinished = append(v.Unfinished, s)
		case !s.State.Successful():
			v.Failed = append(v.Failed, s)
		}
	}
	v.Done = len(v.Unfinished) == 0 || (failFast && cond == ForSucceeded && len(v.Failed) > 0)
	return v
}

// ExitCode returns the exit status of a wait that ended with v: timedOut
// says the deadline passed first. A failure is certain even at a timeout,
// so it wins over the timeout's status.
func (v Verdict) ExitCode(cond Condition, timedOut bool) int {
	switch {
	case cond == ForSucceeded && len(v.Failed) > 0:
		return ExitFailed
	case !v.Done || timedOut && len(v.Unfinished) > 0:
		return ExitTimeout
	}
	return ExitOK
}
