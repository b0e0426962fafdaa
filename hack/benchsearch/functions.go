package main

import (
	"fmt"
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// Function is one test function: its search space, its value at a trial's
// parameters and its known minimum. optuna_runner.py defines the same
// functions term by term; TestFunctionsAgreeWithPython holds them together.
type Function struct {
	Name  string
	Title string // as the report names it
	Space search.Space
	Eval  func(params.Params) float64
	// Min is the global minimum, so regret = best value found - Min.
	Min float64
}

// Functions returns the benchmark's functions by name, in report order.
func Functions() []Function {
	return []Function{branin(), hartmann6(), mixed()}
}

// FunctionByName returns the named function.
func FunctionByName(name string) (Function, error) {
	for _, f := range Functions() {
		if f.Name == name {
			return f, nil
		}
	}
	return Function{}, fmt.Errorf("unknown function %q: want branin, hartmann6 or mixed", name)
}

// num returns the numeric parameter name of p; a missing or non-numeric
// one is a bug of the harness, so it panics.
func num(p params.Params, name string) float64 {
	for _, kv := range p {
		if kv.Name == name {
			if f, ok := search.Float(kv.Value); ok {
				return f
			}
		}
	}
	panic(fmt.Sprintf("benchsearch: no number %q in %v", name, p))
}

// str returns the string parameter name of p.
func str(p params.Params, name string) string {
	for _, kv := range p {
		if kv.Name == name {
			if s, ok := kv.Value.(string); ok {
				return s
			}
		}
	}
	panic(fmt.Sprintf("benchsearch: no string %q in %v", name, p))
}

// branin is the Branin-Hoo function on [-5, 10] x [0, 15], with its usual
// constants; three global minima of 5/(4π) (Dixon and Szegő, 1978; the
// constants as in Surjanovic and Bingham's Virtual Library of Simulation
// Experiments).
func branin() Function {
	const (
		a = 1.0
		r = 6.0
		s = 10.0
	)
	b := 5.1 / (4 * math.Pi * math.Pi)
	c := 5 / math.Pi
	t := 1 / (8 * math.Pi)
	return Function{
		Name:  "branin",
		Title: "Branin (2-D)",
		Space: search.Space{
			{Name: "x1", Type: search.Double, Min: -5, Max: 10},
			{Name: "x2", Type: search.Double, Min: 0, Max: 15},
		},
		Eval: func(p params.Params) float64 {
			x1, x2 := num(p, "x1"), num(p, "x2")
			d := x2 - b*x1*x1 + c*x1 - r
			return a*d*d + s*(1-t)*math.Cos(x1) + s
		},
		// At x1 = π, x2 = 2.275 the square is 0 and cos is -1: s*t = 5/(4π).
		Min: 5 / (4 * math.Pi),
	}
}

// The constants of Hartmann-6 (Hartmann, 1973; as in Surjanovic and
// Bingham's Virtual Library of Simulation Experiments).
var (
	hartmannAlpha = [4]float64{1.0, 1.2, 3.0, 3.2}
	hartmannA     = [4][6]float64{
		{10, 3, 17, 3.5, 1.7, 8},
		{0.05, 10, 17, 0.1, 8, 14},
		{3, 3.5, 1.7, 10, 17, 8},
		{17, 8, 0.05, 10, 0.1, 14},
	}
	hartmannP = [4][6]float64{
		{1312, 1696, 5569, 124, 8283, 5886},
		{2329, 4135, 8307, 3736, 1004, 9991},
		{2348, 1451, 3522, 2883, 3047, 6650},
		{4047, 8828, 8732, 5743, 1091, 381},
	}
)

// hartmannMin is Hartmann-6's global minimum, at (0.20169, 0.150011,
// 0.476874, 0.275332, 0.311652, 0.6573); TestHartmannMinimum checks that a
// local descent from there finds nothing lower.
const hartmannMin = -3.32236801141551

// hartmannValue is Hartmann-6 at x in [0, 1]^6.
func hartmannValue(x [6]float64) float64 {
	total := 0.0
	for i := range 4 {
		inner := 0.0
		for j := range 6 {
			d := x[j] - hartmannP[i][j]*1e-4
			inner += hartmannA[i][j] * d * d
		}
		total += hartmannAlpha[i] * math.Exp(-inner)
	}
	return -total
}

// hartmannX reads x1..x6 of a trial.
func hartmannX(p params.Params) [6]float64 {
	var x [6]float64
	for j := range x {
		x[j] = num(p, fmt.Sprintf("x%d", j+1))
	}
	return x
}

// hartmannSpace is [0, 1]^6, x1..x6.
func hartmannSpace() search.Space {
	sp := make(search.Space, 6)
	for j := range sp {
		sp[j] = search.Param{Name: fmt.Sprintf("x%d", j+1), Type: search.Double, Min: 0, Max: 1}
	}
	return sp
}

// hartmann6 is the 6-D Hartmann function on [0, 1]^6.
func hartmann6() Function {
	return Function{
		Name:  "hartmann6",
		Title: "Hartmann (6-D)",
		Space: hartmannSpace(),
		Eval:  func(p params.Params) float64 { return hartmannValue(hartmannX(p)) },
		Min:   hartmannMin,
	}
}

// The mixed function's optimizers: the offset each adds and its best
// learning rate at 128 units.
var (
	mixedOptimizers = []any{"sgd", "adam", "rmsprop"}
	mixedOffset     = map[string]float64{"adam": 0, "rmsprop": 0.1, "sgd": 0.25}
	mixedBaseLR     = map[string]float64{"adam": 3e-3, "rmsprop": 1e-3, "sgd": 3e-2}
)

// mixedValue is the 4-D mixed function, written as a training run's loss
// might behave: each optimizer has its own floor (offset) and best learning
// rate; the best learning rate falls as the layer widens (∝ 1/√units); the
// best dropout grows with the width; the best width is 100 units, which
// the step of 16 cannot hit. Every term is a square distance in the
// parameter's natural scale (decades of lr, octaves of units).
func mixedValue(opt string, lr, units, dropout float64) float64 {
	dl := math.Log10(lr) - math.Log10(mixedBestLR(opt, units))
	du := math.Log2(units) - math.Log2(100)
	dd := dropout - mixedBestDropout(units)
	return mixedOffset[opt] + 0.5*dl*dl + 0.3*du*du + 4*dd*dd
}

// mixedBestLR is the learning rate that zeroes the lr term.
func mixedBestLR(opt string, units float64) float64 {
	return mixedBaseLR[opt] * math.Sqrt(128/units)
}

// mixedBestDropout is the dropout that zeroes the dropout term.
func mixedBestDropout(units float64) float64 { return 0.1 + 0.3*(units-16)/240 }

// mixedSpace is one categorical, one log-uniform float, one stepped
// integer and one plain float.
func mixedSpace() search.Space {
	return search.Space{
		{Name: "optimizer", Type: search.Categorical, Choices: mixedOptimizers},
		{Name: "lr", Type: search.Double, Min: 1e-5, Max: 1e-1, Dist: search.LogUniform},
		{Name: "units", Type: search.Int, Min: 16, Max: 256, Step: 16},
		{Name: "dropout", Type: search.Double, Min: 0, Max: 0.5},
	}
}

// mixedMin is the exact minimum of mixedValue over mixedSpace: for every
// optimizer and width, the best lr (0.0007 to 0.085) and dropout (0.1 to
// 0.4) lie inside their ranges and zero their terms, so the minimum is the
// least offset + units term over the 3 x 16 discrete points.
func mixedMin() float64 {
	sp := mixedSpace()
	lr, units, dropout := sp.Param("lr"), sp.Param("units"), sp.Param("dropout")
	best := math.Inf(1)
	for _, o := range mixedOptimizers {
		opt := o.(string)
		for _, u := range units.Points() {
			n, _ := search.Float(u)
			l, d := mixedBestLR(opt, n), mixedBestDropout(n)
			if l < lr.Min || l > lr.Max || d < dropout.Min || d > dropout.Max {
				panic("benchsearch: the mixed function's optimum left its space")
			}
			best = math.Min(best, mixedValue(opt, l, n, d))
		}
	}
	return best
}

// mixed is the 4-D mixed function.
func mixed() Function {
	return Function{
		Name:  "mixed",
		Title: "Mixed (4-D)",
		Space: mixedSpace(),
		Eval: func(p params.Params) float64 {
			return mixedValue(str(p, "optimizer"), num(p, "lr"), num(p, "units"), num(p, "dropout"))
		},
		Min: mixedMin(),
	}
}
