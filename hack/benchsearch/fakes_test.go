package main

import (
	"math"
	"sort"
	"strconv"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// fakeExhausting proposes random points and runs out after 9 trials, as a
// Sobol or grid search over a small space would.
type fakeExhausting struct{ cfg search.Config }

func (f *fakeExhausting) Suggest(trials []search.Trial, n int) ([]search.Suggestion, error) {
	if len(trials) >= 9 {
		return nil, search.ErrExhausted
	}
	var out []search.Suggestion
	for i := range min(n, 9-len(trials)) {
		rng := search.Rand(f.cfg.Seed, len(trials)+i)
		out = append(out, search.Suggestion{Params: f.cfg.Space.Params(search.SampleAll(f.cfg.Space, rng))})
	}
	return out, nil
}

// fakeHyperband is one bracket of successive halving (Li et al., 2018):
// 9 random points at r_l/9 epochs, the best 3 of them at r_l/3, the best
// of those at r_l, then exhausted. Like a real algorithm it keeps no state:
// the rung of each trial is in its Meta.
type fakeHyperband struct {
	cfg    search.Config
	epochs int
}

func newFakeHyperband(cfg search.Config) (search.Algorithm, error) {
	r, err := strconv.Atoi(cfg.Settings["r_l"])
	if err != nil || r < 9 {
		return nil, err
	}
	return &fakeHyperband{cfg: cfg, epochs: r}, nil
}

func (h *fakeHyperband) Suggest(trials []search.Trial, n int) ([]search.Suggestion, error) {
	rungs := [][]search.Trial{nil, nil, nil}
	for _, t := range trials {
		r, _ := strconv.Atoi(t.Meta["rung"])
		rungs[r] = append(rungs[r], t)
	}
	var out []search.Suggestion
	with := func(p search.Trial, rung, epochs int) search.Suggestion {
		ps := append(p.Params[:0:0], p.Params...)
		for i := range ps {
			if ps[i].Name == epochsParam {
				ps[i].Value = int64(epochs)
			}
		}
		return search.Suggestion{Params: ps, Meta: map[string]string{"rung": strconv.Itoa(rung)}}
	}
	for i := len(rungs[0]); i < 9 && len(out) < n; i++ {
		rng := search.Rand(h.cfg.Seed, len(trials)+len(out))
		p := search.Trial{Params: h.cfg.Space.Params(search.SampleAll(h.cfg.Space, rng))}
		out = append(out, with(p, 0, h.epochs/9))
	}
	for rung, keep := range []int{3, 1} {
		if len(out) > 0 || len(rungs[rung]) < 9/int(math.Pow(3, float64(rung))) {
			return out, nil
		}
		best := append([]search.Trial(nil), rungs[rung]...)
		sort.Slice(best, func(i, j int) bool { return best[i].Value < best[j].Value })
		for i := len(rungs[rung+1]); i < keep && len(out) < n; i++ {
			out = append(out, with(best[i], rung+1, h.epochs*int(math.Pow(3, float64(rung+1)))/9))
		}
	}
	if len(out) == 0 {
		return nil, search.ErrExhausted
	}
	return out, nil
}

// fakeMedianStop stops a running trial whose value at its latest step,
// from step 3 on, is worse than the median of the finished trials' values
// at that step (Golovin et al., 2017, simplified).
type fakeMedianStop struct{}

func (fakeMedianStop) Stop(trials []search.Trial) []search.Stop {
	var out []search.Stop
	for _, t := range trials {
		if t.State != search.Running || len(t.Curve) < 3 {
			continue
		}
		step := len(t.Curve)
		var others []float64
		for _, o := range trials {
			if o.State == search.Completed && len(o.Curve) >= step {
				others = append(others, o.Curve[step-1].Value)
			}
		}
		if len(others) >= 3 && t.Curve[step-1].Value > Median(others) {
			out = append(out, search.Stop{Index: t.Index, Reason: "below the median"})
		}
	}
	return out
}

// fakeConfig is a small benchmark whose algorithms are the real ones
// plus the fakes above, without Optuna.
func fakeConfig() Config {
	return Config{
		Seeds: []uint64{1, 2, 3, 4, 5}, Trials: 15, Budgets: []int{6, 15}, Batch: 3,
		Functions: []Function{branin(), mixed()},
		Settings:  map[string]map[string]string{"hyperband": {"r_l": "9", "resource_name": epochsParam, "eta": "3"}},
		Jobs:      2, MultiFidelity: true, MaxEpochs: 9, HyperbandMaxTotal: 1000, StopTrials: 15,
		New: func(cfg search.Config) (search.Algorithm, error) {
			switch cfg.Algorithm {
			case "fake":
				return &fakeExhausting{cfg: cfg}, nil
			case "hyperband":
				return newFakeHyperband(cfg)
			}
			return search.New(cfg)
		},
		NewStopper: func(search.StopperConfig) (search.Stopper, error) { return fakeMedianStop{}, nil },
		// Only these, whatever pkg/search has: the others show as not built.
		Registered: func() []string { return []string{"random", "fake", "hyperband"} },
		Stoppers:   func() []string { return []string{"medianstop"} },
		Log:        discard{},
	}
}

// discard is an io.Writer that drops everything.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
