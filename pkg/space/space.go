// Package space holds the parameter space of an experiment (grid axes,
// explicit rows, random samples, exclude and include rules) and expands it
// into trials, in a deterministic order.
package space

import (
	"strconv"
)

// MaxTrials is the largest number of trials one experiment may expand to.
const MaxTrials = 100_000

// MaxLimitedProduct is the largest product of grid, list and random a space
// with a Limit may have: Expand walks it in order until Limit trials are
// kept, so a Katib grid of many axes capped by maxTrialCount stays cheap.
const MaxLimitedProduct = 10_000_000

// MaxParameters is the most parameters one experiment may define: each is
// a column of every table and a key of every trial's annotation.
const MaxParameters = 100

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
	// Normal has mean (Min+Max)/2 and deviation (Max-Min)/6, as Katib maps
	// a normal distribution's min and max (search.Sample).
	Normal Kind = "normal"
	// LogNormal is Normal in log space.
	LogNormal Kind = "logNormal"
)

// Dist is the distribution of one randomly sampled parameter.
type Dist struct {
	Name     string
	Kind     Kind
	Min, Max float64 // bounds of every kind but choice
	Choices  []Value // values of choice
	// Int draws integers (Katib's int parameters) from uniform, logUniform,
	// normal or logNormal; intUniform always does.
	Int bool
	// Step puts the values of uniform, logUniform, normal or logNormal on
	// Min + k*Step; 0 for none.
	Step float64
	Pos  Pos
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
// rule matches, plus the include rows; with a Limit, only the first Limit
// of those.
type Space struct {
	File     string // the file name, for errors
	Pos      Pos    // of the parameter space as a whole
	Grid     []Axis
	List     []Row
	Random   *Random
	Exclude  []Match
	Include  []Row
	Limit    int // keep the first Limit trials; 0 keeps every trial
	LimitPos Pos // where the file sets Limit
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
// include rows, at most Limit. It is at most MaxTrials for a space that
// validates.
func (s *Space) Size() int {
	n := s.size()
	if s.Limit > 0 && n > s.Limit {
		return s.Limit
	}
	return n
}

// size is Size without the Limit.
func (s *Space) size() int {
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
