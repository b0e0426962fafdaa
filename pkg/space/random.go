package space

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// pcgStream is the second PCG seed word, fixed so that a file's seed alone
// decides its samples.
const pcgStream = 0x6d6c65787000 // "mlexp\0"

// sample draws Random.Count distinct samples. A sample equal to an earlier
// one is drawn again; a space too small for Count distinct samples is an
// error.
func (s *Space) sample() ([][]Value, error) {
	r := s.Random
	digits := r.Digits
	if digits == 0 {
		digits = DefaultDigits
	}
	rng := rand.New(rand.NewPCG(r.Seed, pcgStream))
	out := make([][]Value, 0, r.Count)
	seen := make(map[string]bool, r.Count)
	var key strings.Builder
	maxDraws := r.Count*10 + 1000
	for draws := 0; len(out) < r.Count; draws++ {
		if draws == maxDraws {
			return nil, s.errorf(r.Pos, "random: only %d distinct samples after %d draws; lower random.count or widen the distributions", len(out), draws)
		}
		vals := make([]Value, len(r.Params))
		key.Reset()
		for i, d := range r.Params {
			vals[i] = draw(rng, d, digits)
			key.WriteString(CanonicalValue(vals[i].V))
			key.WriteByte(0)
		}
		if seen[key.String()] {
			continue
		}
		seen[key.String()] = true
		out = append(out, vals)
	}
	return out, nil
}

// draw samples one value of d.
func draw(rng *rand.Rand, d Dist, digits int) Value {
	switch d.Kind {
	case Choice:
		v := d.Choices[rng.IntN(len(d.Choices))]
		return Value{V: v.V, Text: v.Text, Pos: d.Pos}
	case IntUniform:
		lo, hi := int64(math.Ceil(d.Min)), int64(math.Floor(d.Max))
		n := lo
		if hi > lo {
			n = lo + rng.Int64N(hi-lo+1)
		}
		return Value{V: n, Text: strconv.FormatInt(n, 10), Pos: d.Pos}
	case LogUniform:
		lo, hi := math.Log(d.Min), math.Log(d.Max)
		return floatValue(math.Exp(lo+(hi-lo)*rng.Float64()), digits, d.Pos)
	default: // Uniform
		return floatValue(d.Min+(d.Max-d.Min)*rng.Float64(), digits, d.Pos)
	}
}

// floatValue rounds x to digits significant digits.
func floatValue(x float64, digits int, pos Pos) Value {
	x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	return Value{V: x, Text: strconv.FormatFloat(x, 'g', -1, 64), Pos: pos}
}
