// Package space holds the parameter space of an experiment (grid axes,
// explicit rows, random samples, exclude and include rules) and expands it
// into trials, in a deterministic order.
package space

import (
	"fmt"
	"math"
	"strconv"
)

// MaxTrials is the largest number of trials one experiment may expand to.
const MaxTrials = 100_000

// Pos is a position in the experiment file; Line 0 means unknown.
type Pos struct {
	Line int // 1-based line
	Col  int // 1-based column
}

// Error is an error at a position of an experiment file.
type Error struct {
	File string // the file name as the user gave it
	Pos  Pos    // where; Line 0 when the error has no single place
	Msg  string // lowercase message
}

// Error formats the error as FILE:LINE:COL: MESSAGE.
func (e *Error) Error() string {
	switch {
	case e.Pos.Line == 0:
		return e.File + ": " + e.Msg
	case e.Pos.Col == 0:
		return e.File + ":" + strconv.Itoa(e.Pos.Line) + ": " + e.Msg
	}
	return e.File + ":" + strconv.Itoa(e.Pos.Line) + ":" + strconv.Itoa(e.Pos.Col) + ": " + e.Msg
}

// Value is one parameter value.
type Value struct {
	V    any    // string, int64, float64 or bool
	Text string // what is substituted for ${name}: the value as the file writes it
	Pos  Pos    // where the file writes it
}

// Axis is one axis of the grid: a parameter and its values.
type Axis struct {
	Name   string
	Values []Value
	Pos    Pos // of the axis' name
}

// Row is one explicit combination of parameter values.
type Row struct {
	Names  []string
	Values []Value // Values[i] is the value of Names[i]
	Pos    Pos
}

// Match is an exclude rule: a trial matches when, for every named
// parameter, its value is one of the listed values.
type Match struct {
	Names  []string
	Values [][]Value // Values[i] are the accepted values of Names[i]
	Pos    Pos
}

// Kind is the kind of a random distribution.
type Kind string

// The distributions random sampling knows.
const (
	Uniform    Kind = "uniform"    // float in [Min, Max)
	LogUniform Kind = "logUniform" // float in [Min, Max), uniform in log space
	IntUniform Kind = "intUniform" // integer in [Min, Max], both included
	Choice     Kind = "choice"     // one of Choices
)

// Dist is the distribution of one randomly sampled parameter.
type Dist struct {
	Name     string
	Kind     Kind
	Min, Max float64 // bounds of uniform, logUniform and intUniform
	Choices  []Value // values of choice
	Pos      Pos
}

// Random is random sampling: Count distinct samples drawn from a generator
// seeded with Seed, so the same file always gives the same samples.
type Random struct {
	Count  int
	Seed   uint64
	Digits int // significant digits of sampled floats; 0 means DefaultDigits
	Params []Dist
	Pos    Pos
}

// DefaultDigits is the number of significant digits sampled floats keep,
// so trial names and arguments stay readable.
const DefaultDigits = 4

// Space is the parameter space of an experiment. Its trials are the
// cartesian product of the grid axes (first axis varies slowest), the list
// rows and the random samples, in that order, minus the trials an exclude
// rule matches, plus the include rows.
type Space struct {
	File    string // the file name, for errors
	Pos     Pos    // of the parameter space as a whole
	Grid    []Axis
	List    []Row
	Random  *Random
	Exclude []Match
	Include []Row
}

// Names returns the parameter names in trial order: grid axes, then the
// list's parameters, then the random parameters.
func (s *Space) Names() []string {
	var names []string
	for _, a := range s.Grid {
		names = append(names, a.Name)
	}
	if len(s.List) > 0 {
		names = append(names, s.List[0].Names...)
	}
	if s.Random != nil {
		for _, d := range s.Random.Params {
			names = append(names, d.Name)
		}
	}
	return names
}

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
		if !IsIdentifier(name) {
			return s.errorf(pos, "invalid parameter name %q: want a letter or _ followed by letters, digits or _", name)
		}
		if name == "env" {
			return s.errorf(pos, "parameter name \"env\" is reserved for ${env.NAME}")
		}
		if p, dup := seen[name]; dup {
			return s.errorf(pos, "parameter %q is defined twice (first at line %d)", name, p.Line)
		}
		seen[name] = pos
		return nil
	}
	size := 1
	factors := 0
	mul := func(n int, pos Pos) error {
		factors++
		if n > 0 && size > MaxTrials/n {
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
	if factors > 0 && size+len(s.Include) > MaxTrials {
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
		case LogUniform:
			if !(d.Min > 0 && d.Min <= d.Max) || math.IsInf(d.Max, 0) {
				return s.errorf(d.Pos, "logUniform of %q needs 0 < low <= high, got [%v, %v]", d.Name, d.Min, d.Max)
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

// IsIdentifier reports whether s is a valid parameter name: a letter or _
// followed by letters, digits or _.
func IsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// NamePos returns where the file defines the parameter name.
func (s *Space) NamePos(name string) Pos {
	for _, a := range s.Grid {
		if a.Name == name {
			return a.Pos
		}
	}
	if len(s.List) > 0 {
		for i, n := range s.List[0].Names {
			if n == name {
				return s.List[0].Values[i].Pos
			}
		}
	}
	if s.Random != nil {
		for _, d := range s.Random.Params {
			if d.Name == name {
				return d.Pos
			}
		}
	}
	return s.Pos
}

// Size returns how many trials the space holds before exclude rules:
// the product of the grid axes, list rows and random samples, plus the
// include rows. It is at most MaxTrials for a space that validates.
func (s *Space) Size() int {
	size, factors := 1, 0
	mul := func(n int) {
		factors++
		if n > 0 && size > (MaxTrials+1)/n {
			size = MaxTrials + 1
			return
		}
		size = min(size*n, MaxTrials+1)
	}
	for _, a := range s.Grid {
		mul(len(a.Values))
	}
	if len(s.List) > 0 {
		mul(len(s.List))
	}
	if s.Random != nil {
		mul(s.Random.Count)
	}
	if factors == 0 {
		size = 0
	}
	return size + len(s.Include)
}
