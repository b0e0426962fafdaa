package search

import (
	"fmt"
	"math"
	"strconv"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// Type is the type of a parameter.
type Type int

// The parameter types, as Katib names them.
const (
	// Double is a float in [Min, Max], stepped by Step when Step > 0.
	Double Type = iota
	// Int is an integer in [Min, Max], stepped by Step (1 when 0).
	Int
	// Categorical is one of Choices, unordered.
	Categorical
	// Discrete is one of Choices, which are numbers and ordered.
	Discrete
)

// String returns Katib's name of the type.
func (t Type) String() string {
	switch t {
	case Double:
		return "double"
	case Int:
		return "int"
	case Categorical:
		return "categorical"
	case Discrete:
		return "discrete"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Distribution is the prior distribution of a numeric parameter, as in
// Katib's feasibleSpace.distribution. Algorithms that model the space (TPE,
// GP, CMA-ES, Sobol) work in the transformed space the distribution implies:
// log scale for LogUniform and LogNormal.
type Distribution int

// The distributions Katib knows.
const (
	Uniform Distribution = iota
	LogUniform
	// Normal has mean (Min+Max)/2 and standard deviation (Max-Min)/6, as
	// Katib's hyperopt service maps min and max; samples are clipped to
	// [Min, Max], which Katib's are not (see Sample).
	Normal
	// LogNormal is Normal in log space.
	LogNormal
)

// String returns Katib's name of the distribution.
func (d Distribution) String() string {
	switch d {
	case Uniform:
		return "uniform"
	case LogUniform:
		return "logUniform"
	case Normal:
		return "normal"
	case LogNormal:
		return "logNormal"
	}
	return "Distribution(" + strconv.Itoa(int(d)) + ")"
}

// Log reports whether the distribution is uniform in log space.
func (d Distribution) Log() bool { return d == LogUniform || d == LogNormal }

// Param is one dimension of the search space.
type Param struct {
	Name string
	Type Type
	// Min and Max bound Double and Int parameters, both included.
	Min, Max float64
	// Step is the grid of a stepped Double or Int (values Min + k*Step);
	// 0 means continuous for Double and 1 for Int.
	Step float64
	// Dist is the prior of a Double or Int parameter.
	Dist Distribution
	// Choices are the values of a Categorical or Discrete parameter: string,
	// int64, float64 or bool, as params.Params holds them.
	Choices []any
}

// Space is the search space: its parameters in the experiment file's order.
type Space []Param

// Validate checks that every parameter is well formed.
func (s Space) Validate() error {
	if len(s) == 0 {
		return fmt.Errorf("the search space has no parameter")
	}
	seen := map[string]bool{}
	for _, p := range s {
		if seen[p.Name] {
			return fmt.Errorf("parameter %q is defined twice", p.Name)
		}
		seen[p.Name] = true
		switch p.Type {
		case Double, Int:
			if math.IsNaN(p.Min) || math.IsNaN(p.Max) || p.Min > p.Max {
				return fmt.Errorf("parameter %q: min %v is above max %v", p.Name, p.Min, p.Max)
			}
			if p.Step < 0 {
				return fmt.Errorf("parameter %q: step %v is negative", p.Name, p.Step)
			}
			if p.Dist.Log() && p.Min <= 0 {
				return fmt.Errorf("parameter %q: a %s distribution needs min > 0, not %v", p.Name, p.Dist, p.Min)
			}
		case Categorical, Discrete:
			if len(p.Choices) == 0 {
				return fmt.Errorf("parameter %q has no value to choose from", p.Name)
			}
		default:
			return fmt.Errorf("parameter %q: unknown type %v", p.Name, p.Type)
		}
	}
	return nil
}

// Numeric reports whether the parameter takes values in a range.
func (p *Param) Numeric() bool { return p.Type == Double || p.Type == Int }

// IntStep returns the step of an Int parameter: Step, or 1 when unset.
func (p *Param) IntStep() float64 {
	if p.Step > 0 {
		return math.Max(1, math.Round(p.Step))
	}
	return 1
}

// Snap returns x moved into [Min, Max] and onto the parameter's step grid
// (integers for Int). x is in the parameter's own units, not transformed.
func (p *Param) Snap(x float64) float64 {
	step := p.Step
	if p.Type == Int {
		step = p.IntStep()
	}
	if step > 0 {
		k := math.Round((x - p.Min) / step)
		maxK := math.Floor((p.Max-p.Min)/step + 1e-9)
		k = math.Max(0, math.Min(maxK, k))
		x = p.Min + k*step
		if p.Type == Int {
			x = math.Round(x)
		} else {
			// Keep the decimal a file writes: 0.1+2*0.05 prints as 0.2.
			x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
		}
	}
	return math.Max(p.Min, math.Min(p.Max, x))
}

// Value returns the parameter value of x (in the parameter's own units) as
// params.Params holds it: int64 for Int, float64 for Double.
func (p *Param) Value(x float64) any {
	x = p.Snap(x)
	if p.Type == Int {
		return int64(x)
	}
	return x
}

// Float returns the numeric value v of a Double or Int parameter (int64 or
// float64 as params holds it) and whether it is a number.
func Float(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

// ChoiceIndex returns the index of v among the parameter's Choices, or -1.
// Numbers compare by value (an int64 3 is the float64 3).
func (p *Param) ChoiceIndex(v any) int {
	for i, c := range p.Choices {
		if c == v {
			return i
		}
		if a, ok := Float(c); ok {
			if b, ok := Float(v); ok && a == b {
				return i
			}
		}
	}
	return -1
}

// ToUnit maps a value of a numeric parameter to [0, 1]: linearly, or
// linearly in log space for a log distribution. A value outside [Min, Max]
// maps outside [0, 1]. A parameter with Min == Max maps to 0.5.
func (p *Param) ToUnit(x float64) float64 {
	lo, hi := p.Min, p.Max
	if p.Dist.Log() {
		lo, hi, x = math.Log(lo), math.Log(hi), math.Log(x)
	}
	if hi == lo {
		return 0.5
	}
	return (x - lo) / (hi - lo)
}

// FromUnit is the inverse of ToUnit, without snapping.
func (p *Param) FromUnit(u float64) float64 {
	lo, hi := p.Min, p.Max
	if p.Dist.Log() {
		return math.Exp(math.Log(lo) + u*(math.Log(hi)-math.Log(lo)))
	}
	return lo + u*(hi-lo)
}

// Param returns the parameter named name, or nil.
func (s Space) Param(name string) *Param {
	for i := range s {
		if s[i].Name == name {
			return &s[i]
		}
	}
	return nil
}

// LogScaled returns the names of the parameters sampled on a log scale
// (LogUniform, LogNormal), in the space's order.
func (s Space) LogScaled() []string {
	var out []string
	for i := range s {
		if s[i].Numeric() && s[i].Dist.Log() {
			out = append(out, s[i].Name)
		}
	}
	return out
}

// Params builds a trial's parameters, in the space's order, from one value
// per parameter (in the parameter's own units for numeric parameters, the
// choice itself for Categorical and Discrete).
func (s Space) Params(values []any) params.Params {
	out := make(params.Params, len(s))
	for i := range s {
		v := values[i]
		if s[i].Numeric() {
			if f, ok := Float(v); ok {
				v = s[i].Value(f)
			}
		}
		out[i] = params.Param{Name: s[i].Name, Value: v}
	}
	return out
}

// Key returns a string that is equal for two trials with equal parameters
// (numbers compared by value), to find duplicates.
func Key(p params.Params) string {
	var b []byte
	for _, kv := range p {
		b = append(b, kv.Name...)
		b = append(b, '=')
		if f, ok := Float(kv.Value); ok {
			b = strconv.AppendFloat(b, f, 'g', -1, 64)
		} else {
			b = append(b, params.Format(kv.Value)...)
		}
		b = append(b, 0)
	}
	return string(b)
}
