package search

import (
	"errors"
	"math"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// propertySpaces are the spaces every algorithm is checked on: continuous,
// mixed, and a small discrete one that runs out of points.
var propertySpaces = map[string]Space{
	"mixed": testSpace(),
	"continuous": {
		{Name: "x", Type: Double, Min: -5, Max: 10},
		{Name: "y", Type: Double, Min: 0, Max: 15},
	},
	"discrete": {
		{Name: "units", Type: Discrete, Choices: []any{int64(32), int64(64), int64(128)}},
		{Name: "act", Type: Categorical, Choices: []any{"relu", "tanh"}},
		{Name: "epochs", Type: Int, Min: 1, Max: 2},
	},
}

// propertySettings are the settings an algorithm needs to run at all:
// hyperband's resource parameter (the mixed space has it; on the others
// hyperband refuses the space and its runs are skipped).
var propertySettings = map[string]map[string]string{
	"hyperband": {"resource_name": "layers"},
}

// objective is a smooth function of any trial's parameters, for the
// property runs: it only needs to give the algorithms something to learn.
func objective(t *Trial) float64 {
	v := 0.0
	for i, kv := range t.Params {
		if f, ok := Float(kv.Value); ok {
			v += float64(i+1) * math.Sin(f)
		} else {
			v += float64(len(params.Format(kv.Value)))
		}
	}
	return v
}

// run drives algorithm a for budget trials in batches of batch, finishing
// each batch before asking for the next, and returns every trial.
func run(t *testing.T, a Algorithm, budget, batch int) []Trial {
	t.Helper()
	var trials []Trial
	for len(trials) < budget {
		sugs, err := a.Suggest(trials, min(batch, budget-len(trials)))
		if errors.Is(err, ErrExhausted) {
			return trials
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(sugs) == 0 {
			// Waiting on nothing: every trial is finished.
			t.Fatalf("no suggestion after %d finished trials", len(trials))
		}
		for _, s := range sugs {
			tr := Trial{Index: len(trials), Params: s.Params, Meta: s.Meta, State: Completed}
			tr.Value = objective(&tr)
			tr.Curve = []Step{{Step: 1, Value: tr.Value}}
			trials = append(trials, tr)
		}
	}
	return trials
}

// Every algorithm is deterministic for a seed, stays in the feasible
// space, and never repeats a trial of a discrete space until it runs out.
func TestAlgorithmProperties(t *testing.T) {
	for _, name := range Algorithms() {
		for spaceName, sp := range propertySpaces {
			t.Run(name+"/"+spaceName, func(t *testing.T) {
				cfg := Config{Algorithm: name, Space: sp, Seed: 42, Settings: propertySettings[name]}
				a, err := New(cfg)
				if err != nil {
					t.Skipf("%s does not run on this space: %v", name, err)
				}
				first := run(t, a, 14, 3)
				b, _ := New(cfg)
				second := run(t, b, 14, 3)
				if len(first) != len(second) {
					t.Fatalf("%d trials, then %d", len(first), len(second))
				}
				seen := map[string]bool{}
				for i := range first {
					if Key(first[i].Params) != Key(second[i].Params) {
						t.Errorf("trial %d: %v, then %v with the same seed", i, first[i].Params, second[i].Params)
					}
					checkFeasible(t, sp, Suggestion{Params: first[i].Params})
					k := Key(first[i].Params)
					if seen[k] && !math.IsInf(sp.Size(), 1) {
						t.Errorf("trial %d repeats %v in a discrete space", i, first[i].Params)
					}
					seen[k] = true
				}
				if size := sp.Size(); !math.IsInf(size, 1) && float64(len(first)) > size {
					t.Errorf("%d trials in a space of %v points", len(first), size)
				}
			})
		}
	}
}
