package trial

import "testing"

func TestDecideAndExitCode(t *testing.T) {
	st := func(states ...State) []Status {
		var out []Status
		for i, s := range states {
			out = append(out, Status{Name: string(rune('a' + i)), State: s})
		}
		return out
	}
	cases := map[string]struct {
		trials   []Status
		cond     Condition
		failFast bool
		timedOut bool
		done     bool
		code     int
	}{
		"all succeeded":                      {st(Succeeded, Succeeded), ForSucceeded, false, false, true, ExitOK},
		"one failed, all ended":              {st(Succeeded, OOMKilled), ForSucceeded, false, false, true, ExitFailed},
		"one failed, others run":             {st(Failed, Running), ForSucceeded, false, false, false, ExitFailed},
		"fail fast ends at the failure":      {st(Failed, Running), ForSucceeded, true, false, true, ExitFailed},
		"finished ignores outcomes":          {st(Failed, Succeeded), ForFinished, false, false, true, ExitOK},
		"finished does not fail fast":        {st(Failed, Running), ForFinished, true, false, false, ExitTimeout},
		"timeout while running":              {st(Succeeded, Pending), ForSucceeded, false, true, false, ExitTimeout},
		"timeout with a failure says failed": {st(OOMKilled, Pending), ForSucceeded, false, true, false, ExitFailed},
		"suspended is not finished":          {st(Suspended), ForFinished, false, true, false, ExitTimeout},
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
