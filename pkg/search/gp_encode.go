package search

import (
	"math"
	"math/rand/v2"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// gpEncoder maps points of a space to the unit cube the Gaussian process
// works in, as skopt's normalize_dimensions and Space.transform do:
//
//   - a Double or Int is one feature, ToUnit of its value (log scale for a
//     log distribution; Normal and LogNormal count as Uniform and
//     LogUniform over [Min, Max]); decoding snaps to the step;
//   - a Categorical is one-hot, one feature per choice (skopt's "onehot"
//     transform: skopt 0.9's normalize_dimensions uses the label index
//     instead, which orders unordered choices); decoding takes the largest;
//   - a Discrete is one feature, the index of its value among the ordered
//     Choices over len-1 (skopt treats Katib's discrete as categorical).
type gpEncoder struct {
	space Space
	// off[i] is the first feature of parameter i.
	off   []int
	width int
}

func newGPEncoder(s Space) *gpEncoder {
	e := &gpEncoder{space: s, off: make([]int, len(s))}
	for i := range s {
		e.off[i] = e.width
		if s[i].Type == Categorical {
			e.width += len(s[i].Choices)
		} else {
			e.width++
		}
	}
	return e
}

// encodeParams writes the features of a trial's parameters into dst and
// reports whether every parameter of the space has a value it can encode.
func (e *gpEncoder) encodeParams(p params.Params, dst []float64) bool {
	for i := range e.space {
		v, ok := p.Get(e.space[i].Name)
		if !ok || !e.encodeOne(i, v, dst) {
			return false
		}
	}
	return true
}

// encodeValues writes the features of one value per parameter into dst.
func (e *gpEncoder) encodeValues(vals []any, dst []float64) bool {
	for i := range e.space {
		if !e.encodeOne(i, vals[i], dst) {
			return false
		}
	}
	return true
}

func (e *gpEncoder) encodeOne(i int, v any, dst []float64) bool {
	p := &e.space[i]
	f := dst[e.off[i]:]
	switch p.Type {
	case Categorical:
		c := p.ChoiceIndex(v)
		for k := range p.Choices {
			f[k] = 0
		}
		if c < 0 {
			return false
		}
		f[c] = 1
	case Discrete:
		c := p.ChoiceIndex(v)
		if c < 0 {
			return false
		}
		f[0] = 0.5
		if len(p.Choices) > 1 {
			f[0] = float64(c) / float64(len(p.Choices)-1)
		}
	default:
		x, ok := Float(v)
		if !ok || (p.Dist.Log() && x <= 0) {
			return false
		}
		f[0] = p.ToUnit(x)
	}
	return true
}

// decode returns the point of the space nearest to features f: one value
// per parameter, snapped to its step or choices.
func (e *gpEncoder) decode(f []float64) []any {
	vals := make([]any, len(e.space))
	for i := range e.space {
		p := &e.space[i]
		x := f[e.off[i]:]
		switch p.Type {
		case Categorical:
			best := 0
			for k := range p.Choices {
				if x[k] > x[best] {
					best = k
				}
			}
			vals[i] = p.Choices[best]
		case Discrete:
			k := int(math.Round(clamp01(x[0]) * float64(len(p.Choices)-1)))
			vals[i] = p.Choices[k]
		default:
			vals[i] = p.Value(p.FromUnit(clamp01(x[0])))
		}
	}
	return vals
}

// sample writes the features of a random point of the space into dst,
// every value drawn with its share as cubeValue gives it (skopt's
// space.rvs on the normalized space); vals holds one value per parameter.
func (e *gpEncoder) sample(rng *rand.Rand, vals []any, dst []float64) {
	for i := range e.space {
		vals[i] = cubeValue(&e.space[i], rng.Float64())
	}
	e.encodeValues(vals, dst)
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
