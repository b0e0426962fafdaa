package search

import (
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func init() { register("bayesianoptimization", newGP) }

// gpSearch is Bayesian optimization with a Gaussian process, as Katib's
// bayesianoptimization service runs skopt.Optimizer(base_estimator="GP"):
// the first n_initial_points suggestions are random (skopt's default
// initial_point_generator, drawn as random search draws them), the next
// ones maximize an acquisition (expected improvement by default) under
// skopt's default Gaussian process (gp_model.go) fitted to every trial with
// an objective. Where it departs from skopt, and why:
//
//   - the hyper-parameters maximize the likelihood times the prior of
//     Optuna's GPSampler, not the likelihood alone (gp_fit.go says why);
//   - the acquisition's xi is in units of the losses' deviation (gpXi);
//   - categoricals are one-hot, discretes by index (gpEncoder);
//   - expected improvement is the default acquisition: skopt's gp_hedge
//     keeps gains from one suggestion to the next, which a search with no
//     state of its own cannot.
//
// A batch, and trials still running, are spread out with skopt's
// "constant liar" (Optimizer.ask(n_points, strategy="cl_min")): each point
// already proposed counts as a trial that scored the best loss so far, so
// the next one looks elsewhere. Unlike skopt the lies do not refit the
// hyper-parameters, which are fitted once on the real objectives: a
// suggestion is then the same whether it was asked for in a batch or one
// at a time while the earlier ones run.
type gpSearch struct {
	cfg      Config
	enc      *gpEncoder
	nInitial int
	acq      acquisition
	// polish runs L-BFGS from the best sampled points (acq_optimizer lbfgs).
	polish bool
	points int
}

// gpFitStream seeds the generator of the hyper-parameter restarts, apart
// from the suggestions' generators.
const gpFitStream = 0x67705f6669740000 // "gp_fit"

func newGP(cfg Config) (Algorithm, error) {
	s := NewSettings("bayesianoptimization", cfg.Settings)
	// The settings and values Katib's skopt service validates.
	estimator := s.String("base_estimator", "GP", "GP", "RF", "ET", "GBRT")
	nInitial := s.Int("n_initial_points", 10, 0)
	acqName := s.String("acq_func", "EI", "gp_hedge", "LCB", "EI", "PI", "EIps", "PIps")
	optimizer := s.String("acq_optimizer", "auto", "auto", "sampling", "lbfgs")
	s.Int("random_state", 0, 0) // the driver reads it into Config.Seed
	if estimator != "GP" {
		s.fail("setting base_estimator of bayesianoptimization: %s is not implemented, only GP", estimator)
	}
	acq := map[string]acquisition{"EI": expectedImprovement, "PI": probabilityOfImprovement, "LCB": lowerConfidenceBound}
	if _, ok := acq[acqName]; !ok {
		why := "it needs the duration of every trial"
		if acqName == "gp_hedge" {
			why = "it keeps gains between suggestions"
		}
		s.fail("setting acq_func of bayesianoptimization: %s is not implemented (%s), use EI, PI or LCB", acqName, why)
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	return &gpSearch{
		cfg:      cfg,
		enc:      newGPEncoder(cfg.Space),
		nInitial: nInitial,
		acq:      acq[acqName],
		// skopt's "auto" is lbfgs for a Gaussian process.
		polish: optimizer != "sampling",
		points: gpPoints,
	}, nil
}

// Suggest proposes n points: random ones until n_initial_points trials
// have run or are running, then the maximizers of the acquisition, each
// earlier one of the batch and every running trial told to the process as
// scoring the best loss so far (cl_min).
func (s *gpSearch) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	sorted := slices.Clone(trials)
	slices.SortStableFunc(sorted, func(a, b Trial) int { return a.Index - b.Index })
	w := s.enc.width
	var observed, pending [][]float64
	var losses []float64
	used := make(map[string]bool, len(trials)+n)
	for i := range sorted {
		t := &sorted[i]
		used[Key(t.Params)] = true
		x := make([]float64, w)
		if !s.enc.encodeParams(t.Params, x) {
			continue // a trial of another space
		}
		switch {
		case t.HasValue():
			observed = append(observed, x)
			losses = append(losses, s.cfg.Goal.Loss(t.Value))
		case t.State == Running:
			pending = append(pending, x)
		}
	}

	// normalize_y: the process sees losses of mean 0 and deviation 1.
	var y []float64
	var hyper gpHyper
	best := 0.0
	if len(losses) >= 2 {
		mean, std := stat.PopMeanStdDev(losses, nil)
		if std == 0 {
			std = 1
		}
		for _, l := range losses {
			y = append(y, (l-mean)/std)
		}
		best = slices.Min(y)
		hyper = fitGP(&gpData{x: rows(observed, w), y: mat.NewVecDense(len(y), y)}, Rand(s.cfg.Seed^gpFitStream, len(y)))
	}

	out := make([]Suggestion, n)
	for j := range out {
		rng := Rand(s.cfg.Seed, NextIndex(trials)+j)
		var vals []any
		if len(y) >= 2 && len(observed)+len(pending) >= s.nInitial {
			ys := slices.Clone(y)
			for range pending {
				ys = append(ys, best) // the lie: cl_min
			}
			data := &gpData{x: rows(append(slices.Clip(observed), pending...), w), y: mat.NewVecDense(len(ys), ys)}
			if post, ok := newGPPosterior(data, hyper); ok {
				vals = s.maximize(post, best, rng, used)
			}
		}
		if vals == nil {
			vals = SampleAll(s.cfg.Space, rng)
		}
		out[j] = Suggestion{Params: s.cfg.Space.Params(vals)}
		used[Key(out[j].Params)] = true
		x := make([]float64, w)
		s.enc.encodeParams(out[j].Params, x)
		pending = append(pending, x)
	}
	return out, nil
}

// rows returns the points as the rows of a matrix of width w.
func rows(points [][]float64, w int) *mat.Dense {
	m := mat.NewDense(len(points), w, nil)
	for i, p := range points {
		m.SetRow(i, p)
	}
	return m
}
