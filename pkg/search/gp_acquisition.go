package search

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// acquisition is skopt's acq_func: what the next point maximizes, from the
// posterior mean and deviation of the normalized loss there.
type acquisition int

const (
	// expectedImprovement is Jones, Schonlau & Welch (1998), "Efficient
	// global optimization of expensive black-box functions", eq. 15:
	// E[max(best - xi - f(x), 0)].
	expectedImprovement acquisition = iota
	// probabilityOfImprovement is P(f(x) < best - xi).
	probabilityOfImprovement
	// lowerConfidenceBound is -(mu - kappa sigma).
	lowerConfidenceBound
)

// skopt's acq_func_kwargs defaults. xi is in units of the loss's
// deviation over the trials (skopt's is in the loss's own units): the
// same experiment measured in other units gets the same suggestions.
const (
	gpXi    = 0.01
	gpKappa = 1.96
)

// value returns the acquisition at mean mu and deviation sigma given the
// best loss so far, and its derivatives with respect to mu and sigma.
// Where sigma is 0 it is the limit: EI = max(best - xi - mu, 0).
func (a acquisition) value(mu, sigma, best float64) (v, dmu, dsigma float64) {
	if a == lowerConfidenceBound {
		return gpKappa*sigma - mu, -1, gpKappa
	}
	imp := best - gpXi - mu
	if sigma < 1e-12 {
		if imp <= 0 {
			return 0, 0, 0
		}
		if a == probabilityOfImprovement {
			return 1, 0, 0
		}
		return imp, -1, 0
	}
	z := imp / sigma
	cdf, pdf := distuv.UnitNormal.CDF(z), distuv.UnitNormal.Prob(z)
	if a == probabilityOfImprovement {
		return cdf, -pdf / sigma, -pdf * z / sigma
	}
	return imp*cdf + sigma*pdf, -cdf, pdf
}

// The acquisition optimizer: skopt's acq_optimizer_kwargs defaults.
const (
	// gpPoints is n_points, the random points the acquisition is
	// computed at.
	gpPoints = 10000
	// gpPolishStarts is n_restarts_optimizer: the best points polished
	// with L-BFGS when acq_optimizer is lbfgs.
	gpPolishStarts = 5
	// gpPolishIterations is skopt's maxiter of each polish.
	gpPolishIterations = 20
)

// byAcquisition sorts candidates by decreasing acquisition, ties in their
// order.
func byAcquisition(cands []gpCandidate) {
	for i := range cands {
		cands[i].order = i
	}
	slices.SortFunc(cands, func(a, b gpCandidate) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
}

// better reports whether candidate a comes before b: a larger
// acquisition, or the same and earlier.
func better(a, b gpCandidate) bool {
	return a.acq > b.acq || (a.acq == b.acq && a.order < b.order)
}

// shortlist returns the k candidates with the largest acquisition, best
// first, without sorting them all.
func shortlist(cands []gpCandidate, k int) []gpCandidate {
	top := make([]gpCandidate, 0, k+1)
	for i, c := range cands {
		c.order = i
		if len(top) == k && !better(c, top[k-1]) {
			continue
		}
		pos, _ := slices.BinarySearchFunc(top, c, func(t, c gpCandidate) int {
			if better(t, c) {
				return -1
			}
			return 1
		})
		top = slices.Insert(top, pos, c)[:min(k, len(top)+1)]
	}
	return top
}

// gpShortlist is how many of the best sampled points maximize looks at
// for one that is not used yet before it sorts them all.
const gpShortlist = 32

// gpCandidate is a point of the space as the process sees it (features)
// and its acquisition.
type gpCandidate struct {
	x     []float64
	acq   float64
	order int
}

// maximize returns the point of the space with the largest acquisition
// that used does not hold (by Key), as skopt's Optimizer._tell: the
// acquisition at points drawn from rng, then, with polish, L-BFGS from the
// best of them on the relaxed features (one-hot and steps continuous),
// each result snapped to the space. It returns the best point even when
// used holds every candidate.
func (s *gpSearch) maximize(post *gpPosterior, best float64, rng *rand.Rand, used map[string]bool) []any {
	w := s.enc.width
	xs := mat.NewDense(s.points, w, nil)
	vals := make([]any, len(s.enc.space))
	for i := range s.points {
		s.enc.sample(rng, vals, xs.RawRowView(i))
	}
	mean, variance := make([]float64, s.points), make([]float64, s.points)
	post.predict(xs, mean, variance)
	cands := make([]gpCandidate, s.points)
	for i := range cands {
		a, _, _ := s.acq.value(mean[i], math.Sqrt(variance[i]), best)
		cands[i] = gpCandidate{x: xs.RawRowView(i), acq: a}
	}
	top := shortlist(cands, gpShortlist)
	if s.polish {
		top = append(s.polished(post, best, top[:min(gpPolishStarts, len(top))]), top...)
		byAcquisition(top)
	}
	if v := s.firstUnused(top, used); v != nil {
		return v
	}
	// A nearly exhausted finite space: look further down.
	byAcquisition(cands)
	if v := s.firstUnused(cands, used); v != nil {
		return v
	}
	return s.enc.decode(top[0].x)
}

// firstUnused returns the values of the first candidate that used does
// not hold, or nil.
func (s *gpSearch) firstUnused(cands []gpCandidate, used map[string]bool) []any {
	for _, c := range cands {
		v := s.enc.decode(c.x)
		if !used[Key(s.enc.space.Params(v))] {
			return v
		}
	}
	return nil
}

// polished runs L-BFGS on the acquisition from each start, on the relaxed
// features within the unit cube (skopt's fmin_l_bfgs_b with maxiter=20),
// and returns the results snapped to the space, scored where they would
// run.
func (s *gpSearch) polished(post *gpPosterior, best float64, starts []gpCandidate) []gpCandidate {
	w := s.enc.width
	lo, hi := make([]float64, w), make([]float64, w)
	for d := range hi {
		hi[d] = 1
	}
	dmean, dvar := make([]float64, w), make([]float64, w)
	negAcq := func(x, grad []float64) float64 {
		mu, v := post.predictGrad(x, dmean, dvar)
		sigma := math.Sqrt(v)
		a, dmu, dsigma := s.acq.value(mu, sigma, best)
		for d := range grad {
			grad[d] = -dmu * dmean[d]
			if sigma > 1e-12 {
				grad[d] -= dsigma * dvar[d] / (2 * sigma)
			}
		}
		return -a
	}
	out := make([]gpCandidate, len(starts))
	for i, c := range starts {
		x, _ := minimizeBox(negAcq, c.x, lo, hi, gpPolishIterations)
		feasible := make([]float64, w)
		s.enc.encodeValues(s.enc.decode(x), feasible)
		out[i] = gpCandidate{x: feasible, acq: -negAcq(feasible, make([]float64, w))}
	}
	return out
}
