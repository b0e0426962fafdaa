package waiting

import (
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

func TestDecideAndExitCode(t *testing.T) {
	st := func(states ...trial.State) []trial.Status {
		var out []trial.Status
		for i, s := range states {
			out = append(out, trial.Status{Name: string(rune('a' + i)), State: s})
		}
		return out
	}
	cases := map[string]struct {
		trials   []trial.Status
		cond     Condition
		failFast bool
		timedOut bool
		done     bool
		code     int
	}{
		"all succeeded":                      {st(trial.Succeeded, trial.Succeeded), ForSucceeded, false, false, true, ExitOK},
		"one failed, all ended":              {st(trial.Succeeded, trial.OOMKilled), ForSucceeded, false, false, true, ExitFailed},
		"one failed, others run":             {st(trial.Failed, trial.Running), ForSucceeded, false, false, false, ExitFailed},
		"fail fast ends at the failure":      {st(trial.Failed, trial.Running), ForSucceeded, true, false, true, ExitFailed},
		"finished ignores outcomes":          {st(trial.Failed, trial.Succeeded), ForFinished, false, false, true, ExitOK},
		"finished does not fail fast":        {st(trial.Failed, trial.Running), ForFinished, true, false, false, ExitTimeout},
		"timeout while running":              {st(trial.Succeeded, trial.Pending), ForSucceeded, false, true, false, ExitTimeout},
		"timeout with a failure says failed": {st(trial.OOMKilled, trial.Pending), ForSucceeded, false, true, false, ExitFailed},
		"suspended is not finished":          {st(trial.Suspended), ForFinished, false, true, false, ExitTimeout},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			v := Decide(c.trials, c.cond, c.failFast)
			if v.Done != c.done {
				t.Errorf("Done = %v, want %v", v.Done, c.done)
			}
			if got := v.ExitCode(c.cond, c.timedOut); got != c.code {
				t.Errorf("ExitCode = %d, want %d", got, c.code)
			}
		})
	}
	if _, err := ParseCondition("complete"); err == nil {
		t.Error("ParseCondition(complete): no error")
	}
}
