package search

import (
	"math"
	"strings"
	"testing"
)

func TestGPSettings(t *testing.T) {
	for name, tc := range map[string]struct {
		settings map[string]string
		err      string
	}{
		"katib's names": {settings: map[string]string{
			"base_estimator": "GP", "n_initial_points": "5", "acq_func": "LCB", "acq_optimizer": "sampling", "random_state": "3",
		}},
		"unknown": {
			settings: map[string]string{"n_random_starts": "3"},
			err:      "unknown setting n_random_starts for algorithm bayesianoptimization: want acq_func, acq_optimizer, base_estimator, n_initial_points, random_state",
		},
		"another estimator": {
			settings: map[string]string{"base_estimator": "RF"},
			err:      "setting base_estimator of bayesianoptimization: RF is not implemented, only GP",
		},
		"skopt's default acquisition": {
			settings: map[string]string{"acq_func": "gp_hedge"},
			err:      "setting acq_func of bayesianoptimization: gp_hedge is not implemented (it keeps gains between suggestions), use EI, PI or LCB",
		},
		"per second": {
			settings: map[string]string{"acq_func": "EIps"},
			err:      "setting acq_func of bayesianoptimization: EIps is not implemented (it needs the duration of every trial), use EI, PI or LCB",
		},
		"not katib's": {
			settings: map[string]string{"acq_optimizer": "adam"},
			err:      `setting acq_optimizer of bayesianoptimization: "adam" is not one of auto, sampling, lbfgs`,
		},
	} {
		_, err := New(Config{Algorithm: "bayesianoptimization", Space: braninSpace, Settings: tc.settings})
		if got := errString(err); got != tc.err {
			t.Errorf("%s: err = %q, want %q", name, got, tc.err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// braninTrials returns n finished trials of random search on Branin.
func braninTrials(n int) []Trial {
	rnd, _ := New(Config{Algorithm: "random", Space: braninSpace, Seed: 5})
	sugs, _ := rnd.Suggest(nil, n)
	trials := make([]Trial, n)
	for i, s := range sugs {
		v := unitValues(s.Params)
		trials[i] = Trial{Index: i, Params: s.Params, State: Completed, Value: branin(v[0], v[1])}
	}
	return trials
}

// A batch is the same as suggestions asked one at a time while the
// earlier ones run (both are told to the process as lies), and it spreads
// out: without the lies its points would gather at one maximum.
func TestGPBatchIsConstantLiar(t *testing.T) {
	a, err := New(Config{Algorithm: "bayesianoptimization", Space: braninSpace, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	trials := braninTrials(12)
	batch, err := a.Suggest(trials, 3)
	if err != nil {
		t.Fatal(err)
	}
	running := trials
	for i := range batch {
		one, err := a.Suggest(running, 1)
		if err != nil {
			t.Fatal(err)
		}
		if Key(one[0].Params) != Key(batch[i].Params) {
			t.Errorf("suggestion %d: %v one at a time, %v in a batch", i, one[0].Params, batch[i].Params)
		}
		running = append(running, Trial{Index: len(running), Params: one[0].Params, State: Running, Value: math.NaN()})
	}
	for i := range batch {
		for j := range i {
			a, b := unitValues(batch[i].Params), unitValues(batch[j].Params)
			if d := math.Hypot((a[0]-b[0])/15, (a[1]-b[1])/15); d < 0.01 {
				t.Errorf("suggestions %d and %d are %v apart in the unit square: %v, %v", j, i, d, batch[j].Params, batch[i].Params)
			}
		}
	}
}

// The first n_initial_points suggestions are random search's, and the
// process takes over once that many trials have run or are running.
func TestGPInitialPointsAreRandom(t *testing.T) {
	gp, _ := New(Config{Algorithm: "bayesianoptimization", Space: braninSpace, Seed: 4, Settings: map[string]string{"n_initial_points": "4"}})
	rnd, _ := New(Config{Algorithm: "random", Space: braninSpace, Seed: 4})
	trials := braninTrials(3)
	trials[2].State, trials[2].Value = Running, math.NaN()
	got, _ := gp.Suggest(trials, 2)
	want, _ := rnd.Suggest(trials, 2)
	if Key(got[0].Params) != Key(want[0].Params) {
		t.Errorf("suggestion 3 is %v, random search's is %v", got[0].Params, want[0].Params)
	}
	if Key(got[1].Params) == Key(want[1].Params) {
		t.Errorf("suggestion 4 is random search's %v; the process should propose it", got[1].Params)
	}
}

// In a small finite space the process proposes points not yet used, so
// the algorithm does not fall back on random replacements.
func TestGPAvoidsUsedPoints(t *testing.T) {
	space := Space{
		{Name: "a", Type: Int, Min: 0, Max: 3},
		{Name: "b", Type: Categorical, Choices: []any{"x", "y", "z"}},
	}
	g, err := newGP(Config{Algorithm: "bayesianoptimization", Space: space, Seed: 1, Settings: map[string]string{"n_initial_points": "3"}})
	if err != nil {
		t.Fatal(err)
	}
	var trials []Trial
	seen := map[string]bool{}
	for len(trials) < 12 {
		sugs, err := g.Suggest(trials, 1)
		if err != nil {
			t.Fatal(err)
		}
		k := Key(sugs[0].Params)
		if seen[k] {
			t.Fatalf("trial %d repeats %v", len(trials), sugs[0].Params)
		}
		seen[k] = true
		a, _ := Float(sugs[0].Params[0].Value)
		tr := Trial{Index: len(trials), Params: sugs[0].Params, State: Completed, Value: a + float64(len(sugs[0].Params[1].Value.(string)))}
		trials = append(trials, tr)
	}
}

func TestGPEncoder(t *testing.T) {
	space := Space{
		{Name: "lr", Type: Double, Min: 1e-4, Max: 1, Dist: LogUniform},
		{Name: "opt", Type: Categorical, Choices: []any{"sgd", "adam", "ftrl"}},
		{Name: "units", Type: Discrete, Choices: []any{int64(32), int64(64), int64(128)}},
		{Name: "layers", Type: Int, Min: 1, Max: 5},
	}
	e := newGPEncoder(space)
	p := space.Params([]any{1e-2, "adam", int64(128), int64(2)})
	f := make([]float64, e.width)
	if !e.encodeParams(p, f) {
		t.Fatal("cannot encode", p)
	}
	want := []float64{0.5, 0, 1, 0, 1, 0.25}
	for i := range want {
		if math.Abs(f[i]-want[i]) > 1e-12 {
			t.Fatalf("features %v, want %v", f, want)
		}
	}
	got := e.decode([]float64{0.5, 0.2, 0.7, 0.1, 0.9, 0.3})
	if lr := got[0].(float64); math.Abs(lr-1e-2) > 1e-12 || got[1] != "adam" || got[2] != int64(128) || got[3] != int64(2) {
		t.Errorf("decoded %v, want %v", got, p)
	}
	if e.encodeParams(space.Params([]any{1e-2, "rmsprop", int64(128), int64(2)}), f) {
		t.Error("encoded a choice the space does not have")
	}
	if !strings.Contains(Key(space.Params(e.decode([]float64{2, 0, 0, 1, -1, 7}))), "lr=1\x00opt=ftrl\x00units=32\x00layers=5") {
		t.Error("features outside the unit cube do not decode to the bounds")
	}
}
