package search

import (
	"fmt"
	"math"
	"sort"
)

func init() { register("sobol", newSobol) }

// sobolMaxDim is the largest space Sobol search takes: the dimensions of
// Joe & Kuo's table that sobolDirections embeds.
const sobolMaxDim = 100

// sobolBits is the precision of the sequence: direction numbers of 30 bits,
// as goptuna and scipy use, so 2^30 - 1 points after the skipped first one.
const sobolBits = 30

// sobolSearch proposes the points of the Sobol low-discrepancy sequence, as
// Katib's goptuna-based sobol service (goptuna's sobol.Sampler) and Optuna's
// QMCSampler(qmc_type="sobol", scramble=False): unscrambled, so it needs no
// seed, and suggestion i is point i+1 of the sequence, a function of the
// index alone. Point 0 (every coordinate 0, the lower corner) is skipped as
// goptuna does, where scipy's and Optuna's sequences start with it.
//
// Dimension k of the sequence goes to the k-th parameter by name, as
// goptuna sorts the names, so a space of doubles and categoricals gets the
// very points Katib's service proposes. A coordinate u in [0, 1) becomes a
// value as cubeValue says: goptuna's mapping, except that log distributions
// are honoured (Katib's converter drops them) and every integer gets the
// same share of [0, 1) (goptuna's floor(u*(max-min)) never reaches max).
type sobolSearch struct {
	space Space
	// dims[i] is the sequence dimension of parameter i.
	dims []int
	// v[k][b] is direction number b+1 of dimension k, scaled to 32 bits.
	v [][sobolBits]uint32
}

func newSobol(cfg Config) (Algorithm, error) {
	// Katib's sobol service passes no setting to goptuna's sampler.
	s := NewSettings("sobol", cfg.Settings)
	if err := s.Err(); err != nil {
		return nil, err
	}
	if len(cfg.Space) > sobolMaxDim {
		return nil, fmt.Errorf("sobol takes at most %d parameters, the space has %d", sobolMaxDim, len(cfg.Space))
	}
	order := make([]int, len(cfg.Space))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cfg.Space[order[a]].Name < cfg.Space[order[b]].Name })
	dims := make([]int, len(cfg.Space))
	for k, i := range order {
		dims[i] = k
	}
	return &sobolSearch{space: cfg.Space, dims: dims, v: sobolDirectionNumbers(len(cfg.Space))}, nil
}

// sobolDirectionNumbers returns the direction numbers of the first n
// dimensions, by the recurrence of Bratley & Fox (1988, Algorithm 659) that
// Joe & Kuo's notes give.
func sobolDirectionNumbers(n int) [][sobolBits]uint32 {
	v := make([][sobolBits]uint32, n)
	for k := range v {
		if k == 0 {
			for b := range sobolBits {
				v[0][b] = 1 << (31 - b) // every m_i = 1
			}
			continue
		}
		row := sobolDirections[k-1]
		s := int(row.s)
		for b := 0; b < s && b < sobolBits; b++ {
			v[k][b] = row.m[b] << (31 - b)
		}
		for b := s; b < sobolBits; b++ {
			v[k][b] = v[k][b-s] ^ (v[k][b-s] >> s)
			for i := 1; i < s; i++ {
				if (row.a>>(s-1-i))&1 == 1 {
					v[k][b] ^= v[k][b-i]
				}
			}
		}
	}
	return v
}

// point returns coordinate k of point n of the sequence in [0, 1): the XOR
// of the direction numbers of the bits set in n's Gray code, the order
// goptuna's Engine.Draw and scipy generate points in.
func (s *sobolSearch) point(n uint32, k int) float64 {
	g := n ^ (n >> 1)
	var x uint32
	for b := 0; g != 0; b, g = b+1, g>>1 {
		if g&1 == 1 {
			x ^= s.v[k][b]
		}
	}
	return float64(x) / (1 << 32)
}

// Suggest returns the next n points of the sequence.
func (s *sobolSearch) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	out := make([]Suggestion, 0, n)
	vals := make([]any, len(s.space))
	for i := range n {
		point := NextIndex(trials) + i + 1 // skip point 0, as goptuna does
		if point >= 1<<sobolBits {
			if len(out) == 0 {
				return nil, ErrExhausted
			}
			break
		}
		for p := range s.space {
			vals[p] = cubeValue(&s.space[p], s.point(uint32(point), s.dims[p]))
		}
		out = append(out, Suggestion{Params: s.space.Params(vals)})
	}
	return out, nil
}

// cubeValue maps u in [0, 1] to a value of p, so that a uniform u gives
// every value its share: Choices[floor(u*len)] for Categorical and
// Discrete; for a continuous Double, FromUnit (linear, or in log space for
// a log distribution; Normal and LogNormal count as Uniform and LogUniform
// over [Min, Max]); for an Int or a stepped Double, the same over
// [Min-step/2, Max+step/2] snapped to the grid, so the end values get a
// whole step as the others do (Optuna's transform of stepped parameters).
func cubeValue(p *Param, u float64) any {
	switch p.Type {
	case Categorical, Discrete:
		return p.Choices[min(len(p.Choices)-1, int(u*float64(len(p.Choices))))]
	}
	step := p.Step
	if p.Type == Int {
		step = p.IntStep()
	}
	if step <= 0 {
		return p.Value(p.FromUnit(u))
	}
	lo, hi := p.Min-step/2, p.Max+step/2
	if !p.Dist.Log() {
		return p.Value(lo + u*(hi-lo))
	}
	lo = math.Max(lo, p.Min/2)
	return p.Value(math.Exp(math.Log(lo) + u*(math.Log(hi)-math.Log(lo))))
}
