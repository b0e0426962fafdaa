package search

import (
	"math"
	"math/rand/v2"
)

func init() { register("random", newRandom) }

// randomSearch draws every parameter independently from its prior: the
// baseline every learning algorithm must beat, and the sampler the others
// fall back on (TPE's startup trials, parameters CMA-ES cannot model). As
// Katib's hyperopt "random" service: uniform, log-uniform, normal and
// log-normal priors, quantized by step.
type randomSearch struct {
	cfg Config
}

func newRandom(cfg Config) (Algorithm, error) {
	s := NewSettings("random", cfg.Settings)
	s.Int("random_state", 0, 0) // Katib's seed setting; the driver reads it into Config.Seed
	if err := s.Err(); err != nil {
		return nil, err
	}
	return &randomSearch{cfg: cfg}, nil
}

// Suggest draws n suggestions, each from the generator of its index.
func (r *randomSearch) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	out := make([]Suggestion, n)
	for i := range out {
		rng := Rand(r.cfg.Seed, NextIndex(trials)+i)
		out[i] = Suggestion{Params: r.cfg.Space.Params(SampleAll(r.cfg.Space, rng))}
	}
	return out, nil
}

// SampleAll draws one value of every parameter of the space from its prior.
func SampleAll(s Space, rng *rand.Rand) []any {
	vals := make([]any, len(s))
	for i := range s {
		vals[i] = Sample(&s[i], rng)
	}
	return vals
}

// Sample draws one value of p from its prior: a choice uniformly for
// Categorical and Discrete; for Double and Int, per Dist (normal and
// log-normal with mean (Min+Max)/2 and deviation (Max-Min)/6, in log space
// for log-normal), then snapped to the step and clipped to the bounds.
//
// Katib's hyperopt service (pkg/suggestion/v1beta1/hyperopt/base_service.py)
// maps min and max to the same mean and deviation, but does not clip (about
// 0.3% of its normal samples fall outside [min, max]), quantizes a step as
// round(x/step)*step (multiples of step, not Min + k*step) and truncates a
// sampled int; here values stay within the file's bounds and on its step
// grid, which every algorithm assumes. Its optuna service refuses normal and
// logNormal.
func Sample(p *Param, rng *rand.Rand) any {
	switch p.Type {
	case Categorical, Discrete:
		return p.Choices[rng.IntN(len(p.Choices))]
	}
	lo, hi := p.Min, p.Max
	if p.Type == Int {
		// Every integer gets the same width: [Min-0.5, Max+0.5) before rounding.
		lo, hi = lo-0.5*p.IntStep(), hi+0.5*p.IntStep()
		if p.Dist.Log() {
			lo = math.Max(lo, p.Min*0.5)
		}
	}
	var x float64
	switch p.Dist {
	case LogUniform:
		x = math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	case Normal:
		x = (lo+hi)/2 + rng.NormFloat64()*(hi-lo)/6
	case LogNormal:
		l, h := math.Log(lo), math.Log(hi)
		x = math.Exp((l+h)/2 + rng.NormFloat64()*(h-l)/6)
	default:
		x = lo + rng.Float64()*(hi-lo)
	}
	return p.Value(x)
}
