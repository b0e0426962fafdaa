package space

import (
	"fmt"
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// errorf returns an *Error at pos.
func (s *Space) errorf(pos Pos, format string, args ...any) error {
	return &Error{File: s.File, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Validate checks that the space is well formed: valid and unique names,
// non-empty axes, rows naming the same parameters, sane distributions, and
// a size below MaxTrials.
func (s *Space) Validate() error {
	seen := map[string]Pos{}
	def := func(name string, pos Pos) error {
		if !params.ValidName(name) {
			return s.errorf(pos, "invalid parameter name %q: want %s", name, params.NameRule)
		}
		if name == "env" {
			return s.errorf(pos, "parameter name \"env\" is reserved for ${env.NAME}")
		}
		if p, dup := seen[name]; dup {
			return s.errorf(pos, "parameter %q is defined twice (first at line %d)", name, p.Line)
		}
		if len(seen) == MaxParameters {
			return s.errorf(pos, "more than %d parameters: %q is one too many", MaxParameters, name)
		}
		seen[name] = pos
		return nil
	}
	if s.Limit < 0 || s.Limit > MaxTrials {
		return s.errorf(s.LimitPos, "limit must be between 1 and %d, got %d", MaxTrials, s.Limit)
	}
	maxSize := MaxTrials
	if s.Limit > 0 {
		maxSize = MaxLimitedProduct
	}
	size := 1
	factors := 0
	mul := func(n int, pos Pos) error {
		factors++
		if n > 0 && size > maxSize/n {
			if s.Limit > 0 {
				return s.errorf(pos, "the parameter space has more than %d combinations to choose the first %d trials from", maxSize, s.Limit)
			}
			return s.errorf(pos, "the parameter space has more than %d trials", MaxTrials)
		}
		size *= n
		return nil
	}
	for _, a := range s.Grid {
		if err := def(a.Name, a.Pos); err != nil {
			return err
		}
		if len(a.Values) == 0 {
			return s.errorf(a.Pos, "grid axis %q has no values", a.Name)
		}
		if err := uniqueValues(s, a.Name, a.Values); err != nil {
			return err
		}
		if err := mul(len(a.Values), a.Pos); err != nil {
			return err
		}
	}
	if len(s.List) > 0 {
		first := s.List[0]
		if len(first.Names) == 0 {
			return s.errorf(first.Pos, "list row names no parameter")
		}
		for i, n := range first.Names {
			if err := def(n, first.Values[i].Pos); err != nil {
				return err
			}
		}
		for _, r := range s.List[1:] {
			if !sameNames(first.Names, r.Names) {
				return s.errorf(r.Pos, "all rows of list must name the same parameters: this row names %s, the row at line %d names %s",
					nameList(r.Names), first.Pos.Line, nameList(first.Names))
			}
		}
		if err := mul(len(s.List), s.List[0].Pos); err != nil {
			return err
		}
	}
	if r := s.Random; r != nil {
		if err := s.validateRandom(def); err != nil {
			return err
		}
		if err := mul(r.Count, r.Pos); err != nil {
			return err
		}
	}
	names := s.Names()
	for _, m := range s.Exclude {
		if len(m.Names) == 0 {
			return s.errorf(m.Pos, "exclude rule names no parameter")
		}
		for i, n := range m.Names {
			if _, ok := seen[n]; !ok {
				return s.errorf(m.Pos, "exclude names %q, which is not a parameter (parameters: %s)", n, nameList(names))
			}
			if len(m.Values[i]) == 0 {
				return s.errorf(m.Pos, "exclude lists no value for %q", n)
			}
		}
	}
	if factors == 0 && len(s.Include) > 0 {
		return s.errorf(s.Include[0].Pos, "include adds trials to grid, list or random: write explicit rows under list")
	}
	for _, r := range s.Include {
		if !sameNames(names, r.Names) {
			return s.errorf(r.Pos, "include rows must name every parameter: this row names %s, the parameters are %s",
				nameList(r.Names), nameList(names))
		}
	}
	if factors > 0 && s.Limit == 0 && size+len(s.Include) > MaxTrials {
		return s.errorf(s.Pos, "the parameter space has more than %d trials", MaxTrials)
	}
	if factors == 0 && len(s.Include) == 0 {
		return s.errorf(s.Pos, "the parameter space is empty: give grid, list or random")
	}
	return nil
}

// validateRandom checks the random section.
func (s *Space) validateRandom(def func(string, Pos) error) error {
	r := s.Random
	if r.Count <= 0 {
		return s.errorf(r.Pos, "random.count must be at least 1")
	}
	if r.Digits < 0 || r.Digits > 17 {
		return s.errorf(r.Pos, "random.digits must be between 1 and 17")
	}
	if len(r.Params) == 0 {
		return s.errorf(r.Pos, "random.params names no parameter")
	}
	for _, d := range r.Params {
		if err := def(d.Name, d.Pos); err != nil {
			return err
		}
		switch d.Kind {
		case Uniform:
			if !(d.Min <= d.Max) || math.IsInf(d.Min, 0) || math.IsInf(d.Max, 0) {
				return s.errorf(d.Pos, "uniform of %q needs finite bounds low <= high, got [%v, %v]", d.Name, d.Min, d.Max)
			}
		case IntUniform:
			if !(math.Ceil(d.Min) <= math.Floor(d.Max)) || d.Min < -1e15 || d.Max > 1e15 {
				return s.errorf(d.Pos, "intUniform of %q needs integer bounds low <= high, got [%v, %v]", d.Name, d.Min, d.Max)
			}
		case Normal:
			if !(d.Min <= d.Max) || math.IsInf(d.Min, 0) || math.IsInf(d.Max, 0) {
				return s.errorf(d.Pos, "normal of %q needs finite bounds low <= high, got [%v, %v]", d.Name, d.Min, d.Max)
			}
		case LogUniform, LogNormal:
			if !(d.Min > 0 && d.Min <= d.Max) || math.IsInf(d.Max, 0) {
				return s.errorf(d.Pos, "%s of %q needs 0 < low <= high, got [%v, %v]", d.Kind, d.Name, d.Min, d.Max)
			}
		case Choice:
			if len(d.Choices) == 0 {
				return s.errorf(d.Pos, "choice of %q has no values", d.Name)
			}
			if err := uniqueValues(s, d.Name, d.Choices); err != nil {
				return err
			}
		default:
			return s.errorf(d.Pos, "unknown distribution %q for %q: want uniform, logUniform, intUniform or choice", d.Kind, d.Name)
		}
		if d.Step < 0 || math.IsNaN(d.Step) || math.IsInf(d.Step, 0) {
			return s.errorf(d.Pos, "step of %q must be a positive number, got %v", d.Name, d.Step)
		}
	}
	return nil
}

// uniqueValues fails on a value listed twice.
func uniqueValues(s *Space, name string, vals []Value) error {
	seen := make(map[string]Pos, len(vals))
	for _, v := range vals {
		k := CanonicalValue(v.V)
		if p, dup := seen[k]; dup {
			return s.errorf(v.Pos, "value %s of %q is listed twice (first at line %d)", v.Text, name, p.Line)
		}
		seen[k] = v.Pos
	}
	return nil
}

// sameNames reports whether a and b hold the same names in any order.
func sameNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// nameList formats names as [a, b, c].
func nameList(names []string) string {
	s := "["
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s + "]"
}
