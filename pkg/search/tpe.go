package search

import (
	"math"
	"math/rand/v2"
)

func init() {
	register("tpe", func(cfg Config) (Algorithm, error) { return newTPE(cfg, false) })
	register("multivariate-tpe", func(cfg Config) (Algorithm, error) { return newTPE(cfg, true) })
}

// tpeSearch is the Tree-structured Parzen Estimator (Bergstra et al. 2011,
// "Algorithms for Hyper-Parameter Optimization"), as Optuna 3.1's
// TPESampler with its defaults: the first n_startup_trials (10) are random
// search's; then the finished trials are split into the gamma(n) best
// (default min(ceil(0.1 n), 25)) and the others, a Parzen estimator l is
// fitted to the best and g to the others, and of n_ei_candidates (24)
// points drawn from l the one with the largest l(x)/g(x) is suggested.
//
// tpe models each parameter on its own (Optuna's independent sampling);
// multivariate-tpe models them jointly (Optuna's multivariate=True, after
// BOHB, Falkner et al. 2018). Running trials are ignored (Optuna's
// constant_liar=False): the suggestions of one batch see the same trials
// and differ by the generator of their index.
type tpeSearch struct {
	cfg          Config
	dims         []parzenDim
	multivariate bool
	nStartup     int
	nEI          int
	gamma        func(int) int
	opts         parzenOptions
}

// newTPE reads the settings Katib accepts for tpe and multivariate-tpe.
// Katib's Optuna service takes n_startup_trials, n_ei_candidates and
// random_state for both; its hyperopt service, which runs tpe in Katib's
// default install, takes gamma, prior_weight, n_EI_candidates and
// random_state for tpe: gamma is then hyperopt's (ceil(gamma*sqrt(n))
// trials are good).
func newTPE(cfg Config, multivariate bool) (Algorithm, error) {
	name := "tpe"
	if multivariate {
		name = "multivariate-tpe"
	}
	s := NewSettings(name, cfg.Settings)
	s.Int("random_state", 0, 0) // the driver reads it into Config.Seed
	t := &tpeSearch{cfg: cfg, multivariate: multivariate, gamma: tpeDefaultGamma}
	t.nStartup = s.Int("n_startup_trials", 10, 0)
	t.nEI = s.Int("n_ei_candidates", 24, 1)
	t.opts = parzenOptions{priorWeight: 1, multivariate: multivariate}
	if !multivariate {
		_, lower := cfg.Settings["n_ei_candidates"]
		if _, upper := cfg.Settings["n_EI_candidates"]; upper && lower {
			s.fail("settings n_EI_candidates and n_ei_candidates of tpe are one setting: give one of them")
		}
		t.nEI = s.Int("n_EI_candidates", t.nEI, 1)
		if g := s.Float("gamma", 0.25, 0, 1); cfg.Settings["gamma"] != "" {
			if g <= 0 || g >= 1 {
				s.fail("setting gamma of tpe: %v is outside (0, 1)", g)
			}
			t.gamma = tpeHyperoptGamma(g)
		}
		t.opts.priorWeight = s.Float("prior_weight", 1, 0, math.MaxFloat64)
		if t.opts.priorWeight <= 0 {
			s.fail("setting prior_weight of tpe: %v is not above 0", t.opts.priorWeight)
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	for i := range cfg.Space {
		t.dims = append(t.dims, newParzenDim(&cfg.Space[i]))
	}
	return t, nil
}

// Suggest returns n suggestions, each drawn with the generator of its index.
func (t *tpeSearch) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	obs := tpeObservations(trials, t.dims, t.cfg.Goal)
	out := make([]Suggestion, n)
	if len(obs) < t.nStartup {
		for i := range out {
			rng := Rand(t.cfg.Seed, NextIndex(trials)+i)
			out[i] = Suggestion{Params: t.cfg.Space.Params(SampleAll(t.cfg.Space, rng))}
		}
		return out, nil
	}
	below, above := tpeSplit(obs, t.gamma(len(obs)))
	var models []tpeModel
	if dims := t.modelled(); t.multivariate && len(dims) > 0 {
		models = append(models, t.model(obs, below, above, dims))
	} else if !t.multivariate {
		for _, j := range dims {
			models = append(models, t.model(obs, below, above, []int{j}))
		}
	}
	for i := range out {
		rng := Rand(t.cfg.Seed, NextIndex(trials)+i)
		vals := make([]any, len(t.dims))
		for j := range t.dims {
			if t.dims[j].single() {
				vals[j] = t.fixed(j)
			}
		}
		for _, m := range models {
			x := m.best(rng, t.nEI)
			for k, j := range m.dims {
				vals[j] = t.dims[j].external(x[k])
			}
		}
		out[i] = Suggestion{Params: t.cfg.Space.Params(vals)}
	}
	return out, nil
}

// modelled returns the indices of the parameters with more than one value.
func (t *tpeSearch) modelled() []int {
	var out []int
	for j := range t.dims {
		if !t.dims[j].single() {
			out = append(out, j)
		}
	}
	return out
}

// fixed returns the value of a parameter that has one only.
func (t *tpeSearch) fixed(j int) any {
	if pts := t.dims[j].p.Points(); len(pts) > 0 {
		return pts[0]
	}
	return t.dims[j].p.Min
}

// tpeModel is l and g over some parameters (dims, indices into the space).
type tpeModel struct {
	dims []int
	l, g *parzenEstimator
}

// model fits l to the good observations and g to the others over the
// parameters dims, leaving out the observations that miss one of them.
func (t *tpeSearch) model(obs []tpeObservation, below, above []int, dims []int) tpeModel {
	m := tpeModel{dims: dims}
	est := make([]parzenDim, len(dims))
	for k, j := range dims {
		est[k] = t.dims[j]
	}
	rows := func(idx []int) [][]float64 {
		var out [][]float64
	next:
		for _, i := range idx {
			row := make([]float64, len(dims))
			for k, j := range dims {
				row[k] = obs[i].values[j]
				if math.IsNaN(row[k]) {
					continue next
				}
			}
			out = append(out, row)
		}
		return out
	}
	m.l = newParzenEstimator(rows(below), est, t.opts)
	m.g = newParzenEstimator(rows(above), est, t.opts)
	return m
}

// best draws n candidates from l and returns the one with the largest
// log l(x) - log g(x) (Optuna's TPESampler._compare), in internal units.
func (m *tpeModel) best(rng *rand.Rand, n int) []float64 {
	var best []float64
	bestScore := math.Inf(-1)
	for _, x := range m.l.sample(rng, n) {
		score := m.l.logPDF(x) - m.g.logPDF(x)
		if best == nil || score > bestScore {
			best, bestScore = x, score
		}
	}
	return best
}
