package space

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// Point is one trial of the expanded space.
type Point struct {
	Params params.Params // values in Names() order
	Text   []string      // Text[i] is substituted for ${Params[i].Name}
	Key    string        // canonical form of Params (see Canonical)
	Pos    Pos           // the row, sample or axis value the trial comes from
}

// factor is one dimension of the product: n choices, each setting some
// parameters.
type factor struct {
	n   int
	set func(choice int, vals []Value) // writes the choice's values into vals
	pos func(choice int) Pos
}

// Expand validates the space and returns its trials in order, with
// warnings (an exclude rule that matches nothing). Two trials with the same
// parameters are an error naming both lines. With a Limit it stops once it
// has Limit trials.
func (s *Space) Expand() ([]Point, []string, error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	names := s.Names()
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	factors, err := s.factors(index)
	if err != nil {
		return nil, nil, err
	}
	total := 0
	if len(factors) > 0 {
		total = 1
		for _, f := range factors {
			total *= f.n
		}
	}
	excl := s.compileExcludes(index)
	hits := make([]int, len(excl))
	want := total + len(s.Include)
	if s.Limit > 0 {
		want = min(want, s.Limit)
	}
	points := make([]Point, 0, want)
	seen := make(map[string]int, want)
	vals := make([]Value, len(names))
	counter := make([]int, len(factors))
	walked := 0
	for ; walked < total && len(points) < want; walked++ {
		for i, f := range factors {
			f.set(counter[i], vals)
		}
		if m := matchAny(excl, vals); m >= 0 {
			hits[m]++
		} else {
			p := newPoint(names, vals, factors[len(factors)-1].pos(counter[len(factors)-1]))
			if err := s.add(&points, seen, p); err != nil {
				return nil, nil, err
			}
		}
		for i := len(counter) - 1; i >= 0; i-- {
			counter[i]++
			if counter[i] < factors[i].n {
				break
			}
			counter[i] = 0
		}
	}
	for _, r := range s.Include {
		if len(points) == want {
			break
		}
		for i, n := range r.Names {
			vals[index[n]] = r.Values[i]
		}
		if err := s.add(&points, seen, newPoint(names, vals, r.Pos)); err != nil {
			return nil, nil, err
		}
	}
	var warnings []string
	for i, h := range hits {
		if h == 0 && walked == total { // a limit that stopped early saw only part of the space
			warnings = append(warnings, fmt.Sprintf("%s:%d: exclude rule matches no trial", s.File, s.Exclude[i].Pos.Line))
		}
	}
	if len(points) == 0 {
		return nil, warnings, s.errorf(s.Pos, "the parameter space has no trials: exclude removes all %d", total)
	}
	return points, warnings, nil
}

// add appends p unless a trial with the same parameters exists.
func (s *Space) add(points *[]Point, seen map[string]int, p Point) error {
	if i, dup := seen[p.Key]; dup {
		return s.errorf(p.Pos, "duplicate trial %s: the trial from line %d has the same parameters", p.Params, (*points)[i].Pos.Line)
	}
	seen[p.Key] = len(*points)
	*points = append(*points, p)
	return nil
}

// newPoint copies vals into a new Point.
func newPoint(names []string, vals []Value, pos Pos) Point {
	p := Point{Params: make(params.Params, len(names)), Text: make([]string, len(names)), Pos: pos}
	for i, n := range names {
		p.Params[i] = params.Param{Name: n, Value: vals[i].V}
		p.Text[i] = vals[i].Text
	}
	p.Key = Canonical(p.Params)
	return p
}

// factors returns the dimensions of the product, slowest first.
func (s *Space) factors(index map[string]int) ([]factor, error) {
	var fs []factor
	for _, a := range s.Grid {
		a, at := a, index[a.Name]
		fs = append(fs, factor{
			n:   len(a.Values),
			set: func(c int, vals []Value) { vals[at] = a.Values[c] },
			pos: func(c int) Pos { return a.Values[c].Pos },
		})
	}
	if len(s.List) > 0 {
		rows := s.List
		at := make([][]int, len(rows))
		for i, r := range rows {
			at[i] = make([]int, len(r.Names))
			for j, n := range r.Names {
				at[i][j] = index[n]
			}
		}
		fs = append(fs, factor{
			n: len(rows),
			set: func(c int, vals []Value) {
				for j, k := range at[c] {
					vals[k] = rows[c].Values[j]
				}
			},
			pos: func(c int) Pos { return rows[c].Pos },
		})
	}
	if s.Random != nil {
		samples, err := s.sample()
		if err != nil {
			return nil, err
		}
		first := index[s.Random.Params[0].Name]
		pos := s.Random.Pos
		fs = append(fs, factor{
			n:   len(samples),
			set: func(c int, vals []Value) { copy(vals[first:], samples[c]) },
			pos: func(int) Pos { return pos },
		})
	}
	return fs, nil
}

// exclude is a Match compiled against parameter indexes.
type exclude struct {
	at   []int
	keys [][]string // canonical accepted values
}

// compileExcludes compiles the exclude rules.
func (s *Space) compileExcludes(index map[string]int) []exclude {
	out := make([]exclude, len(s.Exclude))
	for i, m := range s.Exclude {
		for j, n := range m.Names {
			out[i].at = append(out[i].at, index[n])
			var ks []string
			for _, v := range m.Values[j] {
				ks = append(ks, CanonicalValue(v.V))
			}
			out[i].keys = append(out[i].keys, ks)
		}
	}
	return out
}

// matchAny returns the index of the first rule matching vals, or -1.
func matchAny(rules []exclude, vals []Value) int {
	for i, r := range rules {
		ok := true
		for j, at := range r.at {
			if !slices.Contains(r.keys[j], CanonicalValue(vals[at].V)) {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// CanonicalValue returns the JSON form of a parameter value, so that equal
// numbers compare equal whether the file writes 10 or 10.0.
func CanonicalValue(v any) string {
	switch x := v.(type) {
	case string:
		b, _ := json.Marshal(x)
		return string(b)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x > -1e15 && x < 1e15 && x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// Canonical returns the canonical form of a trial's parameters: a JSON
// object with keys sorted and values in canonical form. Trial names hash it.
func Canonical(p params.Params) string {
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(p[a].Name, p[b].Name) })
	var b strings.Builder
	b.WriteByte('{')
	for i, at := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p[at].Name)
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(CanonicalValue(p[at].Value))
	}
	b.WriteByte('}')
	return b.String()
}
