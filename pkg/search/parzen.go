package search

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat/distuv"
)

// The Parzen estimators of TPE (Bergstra et al. 2011, "Algorithms for
// Hyper-Parameter Optimization", section 4), as Optuna 3.1 builds them in
// samplers/_tpe/parzen_estimator.py: a mixture with one component per
// observation plus one for the prior, over every parameter at once. With
// one parameter it is univariate TPE's estimator; with all of them and
// Scott's-rule bandwidths, the multivariate TPE of BOHB (Falkner et al.
// 2018, "BOHB: Robust and Efficient Hyperparameter Optimization at Scale").
//
// Values are held in the estimator's internal units: log of the value for a
// log-scaled parameter, the value for another numeric one, the index of the
// choice for a categorical (and discrete, as Katib hands them to Optuna).

// parzenSigma0 is Optuna's SIGMA0_MAGNITUDE, the scale of Scott's rule.
const parzenSigma0 = 0.2

// parzenDim is one parameter as the estimators model it.
type parzenDim struct {
	p *Param
	// categorical, with k choices; otherwise numeric.
	categorical bool
	k           int
	// low and high bound the kernels, in internal units: [Min, Max]
	// (log for a log scale, and Min-0.5, Max+0.5 for a log-scaled Int) or,
	// for a stepped parameter, half a step beyond its first and last points.
	low, high float64
	// q is the step of a stepped Double or an Int, 0 when continuous.
	q float64
	// first and last are the parameter's first and last grid points.
	first, last float64
}

// newParzenDim describes p as Optuna's _calculate_parzen_bounds does.
func newParzenDim(p *Param) parzenDim {
	d := parzenDim{p: p}
	switch {
	case !p.Numeric():
		d.categorical, d.k = true, len(p.Choices)
	case p.Dist.Log() && p.Type == Int:
		d.low, d.high = math.Log(p.Min-0.5), math.Log(p.Max+0.5)
	case p.Dist.Log():
		d.low, d.high = math.Log(p.Min), math.Log(p.Max)
	case p.Type == Int || p.Step > 0:
		d.q = p.Step
		if p.Type == Int {
			d.q = p.IntStep()
		}
		// Optuna moves high down onto the grid (_adjust_discrete_uniform_high).
		d.first = p.Min
		d.last = p.Min + math.Floor((p.Max-p.Min)/d.q+1e-9)*d.q
		d.low, d.high = d.first-d.q/2, d.last+d.q/2
	default:
		d.low, d.high = p.Min, p.Max
	}
	return d
}

// single reports whether the parameter has one value only: Optuna never
// models it (distribution.single()).
func (d *parzenDim) single() bool {
	if d.categorical {
		return d.k == 1
	}
	if d.q > 0 {
		return d.first == d.last
	}
	return d.p.Min == d.p.Max
}

// internal returns v, a value of the parameter, in internal units; NaN when
// it is not one.
func (d *parzenDim) internal(v any) float64 {
	if d.categorical {
		if i := d.p.ChoiceIndex(v); i >= 0 {
			return float64(i)
		}
		return math.NaN()
	}
	f, ok := Float(v)
	if !ok {
		return math.NaN()
	}
	if d.p.Dist.Log() {
		if f <= 0 {
			return math.NaN()
		}
		f = math.Log(f)
	}
	// A trial from before the space was narrowed stays inside the kernels'
	// bounds.
	return math.Max(d.low, math.Min(d.high, f))
}

// external returns the parameter value of x, in internal units.
func (d *parzenDim) external(x float64) any {
	if d.categorical {
		return d.p.Choices[int(x)]
	}
	if d.p.Dist.Log() {
		x = math.Exp(x)
	}
	if d.p.Type == Int {
		x = math.Round(x) // exp(log(3)) is 2.9999999999999996
	}
	return x
}

// round moves a sample of the kernels onto the parameter's values, as
// Optuna's _transform_from_uniform, and returns it in internal units.
func (d *parzenDim) round(x float64) float64 {
	switch {
	case d.categorical:
		return x
	case d.q > 0:
		x = math.Round((x-d.first)/d.q)*d.q + d.first
		return math.Max(d.first, math.Min(d.last, x))
	case d.p.Dist.Log() && d.p.Type == Int:
		return math.Log(math.Max(d.p.Min, math.Min(d.p.Max, math.Round(math.Exp(x)))))
	}
	return x
}

// parzenEstimator is a mixture over the dims: component c has weight
// weights[c] and, in dim j, a truncated normal (mus[j][c], sigmas[j][c]) on
// [low, high] or, for a categorical, the probabilities cats[j][c].
type parzenEstimator struct {
	dims    []parzenDim
	weights []float64
	mus     [][]float64
	sigmas  [][]float64
	cats    [][][]float64
	// logMass[j][c] is the log of the mass of component c's normal on
	// [low, high], which truncation divides by.
	logMass [][]float64
}

// parzenOptions are the estimator's settings; Optuna's defaults hold for
// the rest (consider_prior, consider_magic_clip true, consider_endpoints
// false).
type parzenOptions struct {
	priorWeight  float64
	multivariate bool
}

// newParzenEstimator fits the estimator to obs (one row per observation,
// oldest first, one value per dim in internal units), as Optuna's
// _ParzenEstimator.__init__ with its default weights.
func newParzenEstimator(obs [][]float64, dims []parzenDim, o parzenOptions) *parzenEstimator {
	n := len(obs)
	e := &parzenEstimator{dims: dims, mus: make([][]float64, len(dims)), sigmas: make([][]float64, len(dims)),
		cats: make([][][]float64, len(dims)), logMass: make([][]float64, len(dims))}
	// Observation weights, then the prior's; normalized.
	e.weights = append(tpeWeights(n), o.priorWeight)
	floats.Scale(1/floats.Sum(e.weights), e.weights)
	col := make([]float64, n)
	for j := range dims {
		for i := range obs {
			col[i] = obs[i][j]
		}
		if dims[j].categorical {
			e.cats[j] = categoricalKernels(col, dims[j].k, o.priorWeight)
		} else {
			e.mus[j], e.sigmas[j] = numericKernels(col, &dims[j], o, len(dims))
			e.logMass[j] = make([]float64, n+1)
			for c, mu := range e.mus[j] {
				sigma := e.sigmas[j][c]
				e.logMass[j][c] = logGaussMass((dims[j].low-mu)/sigma, (dims[j].high-mu)/sigma)
			}
		}
	}
	return e
}

// categoricalKernels returns one distribution over the k choices per
// observation and one for the prior: priorWeight/(n+1) on every choice, plus
// 1 on the observed one, normalized (Optuna's _calculate_categorical_params).
func categoricalKernels(col []float64, k int, priorWeight float64) [][]float64 {
	n := len(col)
	out := make([][]float64, n+1)
	for c := range out {
		row := make([]float64, k)
		for i := range row {
			row[i] = priorWeight / float64(n+1)
		}
		if c < n {
			row[int(col[c])]++
		}
		floats.Scale(1/floats.Sum(row), row)
		out[c] = row
	}
	return out
}

// numericKernels returns the kernels' means (the observations, then the
// prior's: the middle of the range) and widths (Optuna's
// _calculate_numerical_params). Univariate widths are the larger distance to
// a neighbour among the sorted means and the bounds, except that the first
// and last means take the distance to their inner neighbour (endpoints not
// considered); multivariate widths are Scott's rule, 0.2 n^(-1/(d+4)) of the
// range, for d parameters. Both are clipped to [range/min(100, n+2), range]
// (the "magic clip"); the prior's width is the range.
func numericKernels(col []float64, d *parzenDim, o parzenOptions, nDims int) (mus, sigmas []float64) {
	n := len(col)
	width := d.high - d.low
	mus = append(append(make([]float64, 0, n+1), col...), 0.5*(d.low+d.high))
	sigmas = make([]float64, n+1)
	if o.multivariate {
		s := parzenSigma0 * math.Pow(float64(max(n, 1)), -1/float64(nDims+4)) * width
		for i := range sigmas {
			sigmas[i] = s
		}
	} else {
		order := make([]int, len(mus))
		for i := range order {
			order[i] = i
		}
		// Stable, as numpy's argsort on the few means TPE sees.
		sort.SliceStable(order, func(a, b int) bool { return mus[order[a]] < mus[order[b]] })
		ends := make([]float64, 0, len(mus)+2)
		ends = append(ends, d.low)
		for _, i := range order {
			ends = append(ends, mus[i])
		}
		ends = append(ends, d.high)
		for r, i := range order {
			sigmas[i] = math.Max(ends[r+1]-ends[r], ends[r+2]-ends[r+1])
		}
		if len(ends) >= 4 {
			sigmas[order[0]] = ends[2] - ends[1]
			sigmas[order[len(order)-1]] = ends[len(ends)-2] - ends[len(ends)-3]
		}
	}
	minSigma := width / math.Min(100, float64(1+len(mus)))
	for i := range sigmas {
		sigmas[i] = math.Max(minSigma, math.Min(width, sigmas[i]))
	}
	sigmas[n] = width
	return mus, sigmas
}

// sample draws size points from the mixture, each rounded onto its
// parameters' values (Optuna's _ParzenEstimator.sample): a component by
// weight, then each dim from that component.
func (e *parzenEstimator) sample(rng *rand.Rand, size int) [][]float64 {
	cum := floats.CumSum(make([]float64, len(e.weights)), e.weights)
	out := make([][]float64, size)
	for s := range out {
		c := pick(cum, rng.Float64())
		x := make([]float64, len(e.dims))
		for j := range e.dims {
			d := &e.dims[j]
			if d.categorical {
				x[j] = float64(pick(floats.CumSum(make([]float64, d.k), e.cats[j][c]), rng.Float64()))
				continue
			}
			mu, sigma := e.mus[j][c], e.sigmas[j][c]
			z := truncNormQuantile(rng.Float64(), (d.low-mu)/sigma, (d.high-mu)/sigma)
			x[j] = d.round(mu + sigma*z)
		}
		out[s] = x
	}
	return out
}

// pick returns the first index whose cumulative weight exceeds u, the last
// when rounding leaves u above them all.
func pick(cum []float64, u float64) int {
	u *= cum[len(cum)-1]
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

// logPDF returns the log density of the mixture at x (Optuna's
// _ParzenEstimator.log_pdf): a stepped dim's component density is its mass
// on x's step, [x-q/2, x+q/2] within the bounds; a continuous one's the
// truncated normal density in Optuna 3.1's form, without the -log(sigma) of
// the change of scale. Optuna fixed that in 3.5 (optuna/optuna#5109,
// #5110), but Katib's Optuna service pins 3.3, and on Branin and Hartmann-6
// with 30 and 60 trials the 3.1 form found better points (hack/tpecheck):
// wide kernels, the prior's above all, weigh more than their density.
func (e *parzenEstimator) logPDF(x []float64) float64 {
	comp := make([]float64, len(e.weights))
	for c, w := range e.weights {
		comp[c] = math.Log(w)
	}
	for j := range e.dims {
		d := &e.dims[j]
		for c := range comp {
			switch {
			case d.categorical:
				comp[c] += math.Log(e.cats[j][c][int(x[j])])
			case d.q > 0:
				mu, sigma := e.mus[j][c], e.sigmas[j][c]
				lo, hi := math.Max(x[j]-d.q/2, d.low), math.Min(x[j]+d.q/2, d.high)
				comp[c] += logGaussMass((lo-mu)/sigma, (hi-mu)/sigma) - e.logMass[j][c]
			case x[j] < d.low || x[j] > d.high:
				comp[c] = math.Inf(-1)
			default:
				comp[c] += distuv.UnitNormal.LogProb((x[j]-e.mus[j][c])/e.sigmas[j][c]) - e.logMass[j][c]
			}
		}
	}
	return floats.LogSumExp(comp)
}
