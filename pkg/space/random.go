package space

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
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

// draw samples one value of d. Every kind but intUniform is drawn by
// search.Sample, the sampler of the adaptive searches, so that a Katib
// random search samples its distributions (normal, logNormal, step) as
// Katib does whether it is driven or created at once; intUniform keeps its
// own draw (every integer of [Min, Max] equally likely from one Int64N), so
// that the samples of existing files do not change.
func draw(rng *rand.Rand, d Dist, digits int) Value {
	if d.Kind == IntUniform {
		lo, hi := int64(math.Ceil(d.Min)), int64(math.Floor(d.Max))
		n := lo
		if hi > lo {
			n = lo + rng.Int64N(hi-lo+1)
		}
		return Value{V: n, Text: strconv.FormatInt(n, 10), Pos: d.Pos}
	}
	p := searchParam(d)
	switch v := search.Sample(&p, rng).(type) {
	case int64:
		return Value{V: v, Text: strconv.FormatInt(v, 10), Pos: d.Pos}
	case float64:
		return floatValue(v, digits, d.Pos)
	case int: // the index of a choice
		c := d.Choices[v]
		return Value{V: c.V, Text: c.Text, Pos: d.Pos}
	}
	panic("space: search.Sample returned an unknown value")
}

// searchDists maps the kinds of Dist to search's distributions.
var searchDists = map[Kind]search.Distribution{
	Uniform: search.Uniform, LogUniform: search.LogUniform, Normal: search.Normal, LogNormal: search.LogNormal,
}

// searchParam returns d as a parameter of package search; a choice's
// Choices are the indexes of d.Choices.
func searchParam(d Dist) search.Param {
	if d.Kind == Choice {
		idx := make([]any, len(d.Choices))
		for i := range idx {
			idx[i] = i
		}
		return search.Param{Name: d.Name, Type: search.Categorical, Choices: idx}
	}
	p := search.Param{Name: d.Name, Type: search.Double, Min: d.Min, Max: d.Max, Step: d.Step, Dist: searchDists[d.Kind]}
	if d.Int {
		p.Type = search.Int
	}
	return p
}

// floatValue rounds x to digits significant digits.
func floatValue(x float64, digits int, pos Pos) Value {
	x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	return Value{V: x, Text: strconv.FormatFloat(x, 'g', -1, 64), Pos: pos}
}
