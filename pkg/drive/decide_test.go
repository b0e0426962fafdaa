package drive

import (
	"math"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// counter proposes x=0,1,2,... and records how many it was asked for.
type counter struct {
	asked []int
	left  int // suggestions left before ErrExhausted; <0 is unlimited
}

func (c *counter) Suggest(trials []search.Trial, n int) ([]search.Suggestion, error) {
	c.asked = append(c.asked, n)
	if c.left == 0 {
		return nil, search.ErrExhausted
	}
	var out []search.Suggestion
	for i := 0; i < n && c.left != 0; i++ {
		out = append(out, search.Suggestion{Params: params.Params{{Name: "x", Value: int64(len(trials) + i)}}})
		c.left--
	}
	return out, nil
}

// stopAll stops every running trial.
type stopAll struct{}

func (stopAll) Stop(trials []search.Trial) []search.Stop {
	var out []search.Stop
	for _, t := range trials {
		if t.State == search.Running {
			out = append(out, search.Stop{Index: t.Index, Reason: "test"})
		}
	}
	return out
}

// trials builds trials from states: R running, C completed (value = index),
// F failed, E early stopped.
func trials(states string) []search.Trial {
	out := make([]search.Trial, len(states))
	for i, c := range states {
		t := search.Trial{Index: i, Value: math.NaN()}
		switch c {
		case 'R':
			t.State = search.Running
		case 'C':
			t.State, t.Value = search.Completed, float64(i)
		case 'F':
			t.State = search.Failed
		case 'E':
			t.State, t.Value = search.EarlyStopped, float64(i)
		}
		out[i] = t
	}
	return out
}

func TestDecide(t *testing.T) {
	target := 1.0
	for name, tc := range map[string]struct {
		spec      Spec
		trials    string
		create    int // trials created
		firstNew  int // index of the first created trial
		stops     int
		end       EndReason
		done      bool
		exhausted bool
	}{
		"first batch":                    {spec: Spec{Parallel: 3, MaxTrials: 10}, trials: "", create: 3},
		"keeps parallel":                 {spec: Spec{Parallel: 3, MaxTrials: 10}, trials: "CRR", create: 1, firstNew: 3},
		"all running":                    {spec: Spec{Parallel: 3, MaxTrials: 10}, trials: "CRRR"},
		"last trials":                    {spec: Spec{Parallel: 3, MaxTrials: 5}, trials: "CCCR", create: 1, firstNew: 4},
		"max reached, one running":       {spec: Spec{Parallel: 3, MaxTrials: 4}, trials: "CCCR"},
		"max reached":                    {spec: Spec{Parallel: 3, MaxTrials: 4}, trials: "CCFE", end: MaxTrialsReached, done: true},
		"failures count as finished":     {spec: Spec{Parallel: 2, MaxTrials: 4}, trials: "FFR", create: 1, firstNew: 3},
		"max failed":                     {spec: Spec{Parallel: 3, MaxTrials: 9, MaxFailed: 2}, trials: "CFFR", end: MaxFailedReached, done: true},
		"below max failed":               {spec: Spec{Parallel: 3, MaxTrials: 9, MaxFailed: 3}, trials: "CFFR", create: 2, firstNew: 4},
		"goal reached, others running":   {spec: Spec{Parallel: 3, MaxTrials: 9, Target: &target}, trials: "RCR", end: GoalReached, done: true},
		"goal not reached":               {spec: Spec{Parallel: 3, MaxTrials: 9, Target: &target}, trials: "RRC", create: 1, firstNew: 3},
		"goal reached, maximize":         {spec: Spec{Goal: search.Maximize, Parallel: 3, MaxTrials: 9, Target: &target}, trials: "RRC", end: GoalReached, done: true},
		"early stops make room":          {spec: Spec{Parallel: 2, MaxTrials: 9, Stopper: stopAll{}}, trials: "CRR", create: 2, firstNew: 3, stops: 2},
		"early stops count to the max":   {spec: Spec{Parallel: 2, MaxTrials: 3, Stopper: stopAll{}}, trials: "CRR", stops: 2},
		"exhausted, one running":         {spec: Spec{Parallel: 3}, trials: "CCR", exhausted: true},
		"exhausted":                      {spec: Spec{Parallel: 3}, trials: "CCF", exhausted: true, end: SuggestionsEnded, done: true},
		"a deleted trial leaves its gap": {spec: Spec{Parallel: 3, MaxTrials: 9}, trials: "C-CR", create: 2, firstNew: 4},
	} {
		t.Run(name, func(t *testing.T) {
			ts := trials(tc.trials)
			if name == "a deleted trial leaves its gap" {
				ts = append(ts[:1], ts[2:]...)
			}
			alg := &counter{left: -1}
			if tc.exhausted {
				alg.left = 0
			}
			tc.spec.Algorithm = alg
			d, err := Decide(tc.spec, ts)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Create) != tc.create {
				t.Errorf("created %d trials, want %d", len(d.Create), tc.create)
			}
			if len(d.Create) > 0 && d.Create[0].Index != tc.firstNew {
				t.Errorf("first new index %d, want %d", d.Create[0].Index, tc.firstNew)
			}
			if len(d.Stop) != tc.stops {
				t.Errorf("stopped %d trials, want %d", len(d.Stop), tc.stops)
			}
			var end EndReason
			if d.End != nil {
				end = d.End.Reason
			}
			if end != tc.end {
				t.Errorf("end %q, want %q", end, tc.end)
			}
			if d.Done() != tc.done {
				t.Errorf("done %v, want %v", d.Done(), tc.done)
			}
			if (d.End != nil && d.End.Failed) != (tc.end == MaxFailedReached) {
				t.Errorf("failed %v", d.End)
			}
		})
	}
}

func TestDecideBest(t *testing.T) {
	ts := trials("CCEC")
	ts[1].Value, ts[2].Value = -5, -7
	d, _ := Decide(Spec{Algorithm: &counter{}, Parallel: 1, MaxTrials: 4}, ts)
	if d.Best != 2 {
		t.Errorf("best %d, want 2 (an early-stopped trial's value counts)", d.Best)
	}
	d, _ = Decide(Spec{Algorithm: &counter{}, Goal: search.Maximize, Parallel: 1, MaxTrials: 4}, ts)
	if d.Best != 3 {
		t.Errorf("best %d when maximizing, want 3", d.Best)
	}
}
