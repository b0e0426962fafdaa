package search

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// The expected values of this file were computed by Optuna 3.1.0's own
// functions (samplers/_tpe/sampler.py) with /usr/bin/python3:
// hack/tpecheck/expected.py prints them.

// splitTrials are expected.py's split() study, maximized: 26 Completed
// trials with ties, EarlyStopped ones at several steps and one with no
// step, a Failed and a Running one, handed over out of order.
func splitTrials() []Trial {
	values := []float64{0.5, 0.9, 0.1, 0.9, 0.7, 0.3, 0.95, 0.2, 0.6, 0.4,
		0.8, 0.85, 0.05, 0.65, 0.55, 0.45, 0.35, 0.25, 0.15, 0.75,
		0.12, 0.22, 0.32, 0.42, 0.52, 0.62}
	p := params.Params{{Name: "x", Value: 0.5}}
	var trials []Trial
	for i, v := range values {
		trials = append(trials, Trial{Index: i, Params: p, State: Completed, Value: v})
	}
	trials = append(trials,
		Trial{Index: 26, Params: p, State: EarlyStopped, Value: 0.97, Curve: []Step{{1, 0.99}, {3, 0.97}}},
		Trial{Index: 27, Params: p, State: EarlyStopped, Value: 0.1, Curve: []Step{{3, 0.1}}},
		Trial{Index: 28, Params: p, State: EarlyStopped, Value: 0.2, Curve: []Step{{5, 0.2}}},
		Trial{Index: 29, Params: p, State: EarlyStopped, Value: math.NaN()},
		Trial{Index: 30, Params: p, State: Failed, Value: math.NaN()},
		Trial{Index: 31, Params: p, State: Running, Value: math.NaN()},
	)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(trials), func(i, j int) { trials[i], trials[j] = trials[j], trials[i] })
	return trials
}

func TestTPESplitMatchesOptuna(t *testing.T) {
	sp := Space{{Name: "x", Type: Double, Min: 0, Max: 1}}
	obs := tpeObservations(splitTrials(), []parzenDim{newParzenDim(&sp[0])}, Maximize)
	if len(obs) != 30 {
		t.Fatalf("%d observations, want 30 (Failed and Running left out)", len(obs))
	}
	if g := tpeDefaultGamma(len(obs)); g != 3 {
		t.Errorf("gamma(30) = %d, want 3", g)
	}
	var rest []int
	for i := range 30 {
		if i != 1 && i != 3 && i != 6 {
			rest = append(rest, i)
		}
	}
	below, above := tpeSplit(obs, 3)
	if !slices.Equal(below, []int{1, 3, 6}) || !slices.Equal(above, rest) {
		t.Errorf("split = %v / %v, want [1 3 6] / %v", below, above, rest)
	}
	// Past the Completed trials: the EarlyStopped that ran furthest, then
	// the best at the same step; the one with no step is last.
	below, above = tpeSplit(obs, 28)
	if want := append(seq(26), 26, 28); !slices.Equal(below, want) || !slices.Equal(above, []int{27, 29}) {
		t.Errorf("split of 28 = %v / %v, want %v / [27 29]", below, above, want)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestTPEGammaAndWeightsMatchOptuna(t *testing.T) {
	for n, want := range map[int][2]int{10: {1, 1}, 30: {3, 2}, 100: {10, 3}, 1000: {25, 8}} {
		if got := [2]int{tpeDefaultGamma(n), tpeHyperoptGamma(0.25)(n)}; got != want {
			t.Errorf("gamma(%d) = %v, want %v (default, hyperopt)", n, got, want)
		}
	}
	ones := func(n int) []float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = 1
		}
		return w
	}
	checkFloats(t, "weights(5)", tpeWeights(5), ones(5))
	checkFloats(t, "weights(25)", tpeWeights(25), ones(25))
	checkFloats(t, "weights(26)", tpeWeights(26), append([]float64{0.038461538461538464}, ones(25)...))
	checkFloats(t, "weights(30)", tpeWeights(30), append([]float64{0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1}, ones(25)...))
}

// finish returns trials completed with the objective f of their parameters.
func finish(sugs []Suggestion, from int, f func(params.Params) float64) []Trial {
	var out []Trial
	for i, s := range sugs {
		out = append(out, Trial{Index: from + i, Params: s.Params, State: Completed, Value: f(s.Params)})
	}
	return out
}

// Until n_startup_trials have finished, TPE's suggestions are random
// search's; Running and Failed trials do not count.
func TestTPEStartupIsRandomSearch(t *testing.T) {
	for _, name := range []string{"tpe", "multivariate-tpe"} {
		a, err := New(Config{Algorithm: name, Space: testSpace(), Seed: 5, Settings: map[string]string{"n_startup_trials": "4"}})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := New(Config{Algorithm: "random", Space: testSpace(), Seed: 5})
		f := func(p params.Params) float64 { v, _ := Float(p[0].Value); return v }
		var trials []Trial
		for len(trials) < 9 {
			got, _ := a.Suggest(trials, 3)
			want, _ := r.Suggest(trials, 3)
			same := true
			for i := range got {
				same = same && Key(got[i].Params) == Key(want[i].Params)
			}
			finished := 0
			for _, tr := range trials {
				if tr.State == Completed {
					finished++
				}
			}
			if same != (finished < 4) {
				t.Errorf("%s after %d finished trials: random search's suggestions %v, want %v", name, finished, same, finished < 4)
			}
			batch := finish(got, len(trials), f)
			batch[0].State, batch[1].State = Running, Failed
			trials = append(trials, batch...)
		}
	}
}

func TestTPESettings(t *testing.T) {
	for _, c := range []struct {
		algorithm string
		settings  map[string]string
		err       string
	}{
		{"tpe", map[string]string{"n_startup_trials": "5", "n_ei_candidates": "10", "random_state": "3"}, ""},
		{"tpe", map[string]string{"gamma": "0.25", "prior_weight": "2", "n_EI_candidates": "10"}, ""},
		{"multivariate-tpe", map[string]string{"n_startup_trials": "0", "n_ei_candidates": "10", "random_state": "3"}, ""},
		{"tpe", map[string]string{"sigma": "1"}, "unknown setting sigma for algorithm tpe: want gamma, n_EI_candidates, n_ei_candidates, n_startup_trials, prior_weight, random_state"},
		{"multivariate-tpe", map[string]string{"gamma": "0.25"}, "unknown setting gamma for algorithm multivariate-tpe: want n_ei_candidates, n_startup_trials, random_state"},
		{"tpe", map[string]string{"n_EI_candidates": "10", "n_ei_candidates": "10"}, "settings n_EI_candidates and n_ei_candidates of tpe are one setting: give one of them"},
		{"tpe", map[string]string{"gamma": "1"}, "setting gamma of tpe: 1 is outside (0, 1)"},
		{"tpe", map[string]string{"prior_weight": "0"}, "setting prior_weight of tpe: 0 is not above 0"},
		{"tpe", map[string]string{"n_ei_candidates": "0"}, "setting n_ei_candidates of tpe: 0 is below 1"},
	} {
		_, err := New(Config{Algorithm: c.algorithm, Space: testSpace(), Settings: c.settings})
		if got := ""; err != nil {
			got = err.Error()
			if got != c.err {
				t.Errorf("%s %v: err = %q, want %q", c.algorithm, c.settings, got, c.err)
			}
		} else if c.err != "" {
			t.Errorf("%s %v: no error, want %q", c.algorithm, c.settings, c.err)
		}
	}
}

// Running trials teach TPE nothing (Optuna without constant_liar): the
// suggestion of an index is the same whether the trials before it are
// running or not yet suggested, and a batch's suggestions differ because
// each draws from the generator of its own index.
func TestTPEIgnoresRunningTrials(t *testing.T) {
	for _, name := range []string{"tpe", "multivariate-tpe"} {
		a, err := New(Config{Algorithm: name, Space: testSpace(), Seed: 11})
		if err != nil {
			t.Fatal(err)
		}
		var trials []Trial
		for len(trials) < 12 {
			sugs, _ := a.Suggest(trials, 3)
			trials = append(trials, finish(sugs, len(trials), objectiveOf)...)
		}
		batch, _ := a.Suggest(trials, 3)
		if Key(batch[0].Params) == Key(batch[1].Params) || Key(batch[1].Params) == Key(batch[2].Params) {
			t.Errorf("%s: a batch repeats itself: %v", name, batch)
		}
		running := append(slices.Clone(trials), Trial{Index: 12, Params: batch[0].Params, State: Running, Value: math.NaN()})
		next, _ := a.Suggest(running, 2)
		if Key(next[0].Params) != Key(batch[1].Params) || Key(next[1].Params) != Key(batch[2].Params) {
			t.Errorf("%s: with trial 12 running, trials 13 and 14 are %v, %v; want %v, %v as in one batch", name, next[0].Params, next[1].Params, batch[1].Params, batch[2].Params)
		}
	}
}

// objectiveOf is the property runs' objective on a trial's parameters.
func objectiveOf(p params.Params) float64 { return objective(&Trial{Params: p}) }

// braninHistory is hack/tpecheck's fixed history: 20 points drawn
// uniformly (numpy's RandomState(0)) with their Branin values.
var braninHistory = [][2]float64{
	{3.232202558909872, 10.727840495586292}, {4.041450641074658, 8.173247744953454},
	{1.354821990083571, 9.688411695999841}, {1.5638081689403878, 13.376595011731197},
	{9.45494140751544, 5.751622782386666}, {6.87587557123997, 7.933423796293567},
	{3.5206684164089843, 13.883949574389916}, {-3.9344591270316958, 1.3069394955231106},
	{-4.696724038395114, 12.48929768321907}, {6.672351264247757, 13.050182223702288},
	{9.67927513349146, 11.987378463250854}, {1.9221904337939772, 11.707937644296832},
	{-3.225883611966002, 9.598815319912857}, {-2.8497006888643037, 14.17003375574376},
	{2.8277248262510755, 6.219929099857854}, {-1.0316658184305956, 11.61350534151325},
	{1.8422549832482282, 8.526509233029728}, {-4.718152993454673, 9.264532456138156},
	{4.181435840836322, 9.254009953121354}, {9.156221177719363, 10.227304486552251},
}

// quantiles returns the 10%, 50% and 90% quantiles of xs (linear, as
// numpy's percentile).
func quantiles(xs []float64) [3]float64 {
	s := slices.Sorted(slices.Values(xs))
	var out [3]float64
	for i, p := range []float64{0.1, 0.5, 0.9} {
		pos := p * float64(len(s)-1)
		k := int(pos)
		out[i] = s[k] + (pos-float64(k))*(s[min(k+1, len(s)-1)]-s[k])
	}
	return out
}

// Given the same history, tpe's next suggestion is distributed as
// Optuna's: the quantiles of 1000 suggestions (seeds 0-999) are those of
// Optuna 3.1's TPESampler over its seeds 0-999 (hack/tpecheck/expected.py
// prints them), within the noise of 1000 draws.
func TestTPESuggestsAsOptuna(t *testing.T) {
	var trials []Trial
	for i, x := range braninHistory {
		p := params.Params{{Name: "x", Value: x[0]}, {Name: "y", Value: x[1]}}
		trials = append(trials, Trial{Index: i, Params: p, State: Completed, Value: braninOf(p)})
	}
	for name, want := range map[string][2][3]float64{
		"tpe":              {{-2.82, -2.582, -2.194}, {13.967, 14.669, 14.955}},
		"multivariate-tpe": {{-4.106, -2.603, -1.345}, {13.358, 14.456, 14.903}},
	} {
		var xs, ys []float64
		for seed := range uint64(1000) {
			a, err := New(Config{Algorithm: name, Space: propertySpaces["continuous"], Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			s, _ := a.Suggest(trials, 1)
			x, _ := Float(s[0].Params[0].Value)
			y, _ := Float(s[0].Params[1].Value)
			xs, ys = append(xs, x), append(ys, y)
		}
		for d, got := range [2][3]float64{quantiles(xs), quantiles(ys)} {
			for i := range got {
				if math.Abs(got[i]-want[d][i]) > 0.2 {
					t.Errorf("%s: quantiles of %s are %.3f, want %.3f as Optuna's", name, []string{"x", "y"}[d], got, want[d])
					break
				}
			}
		}
	}
}
