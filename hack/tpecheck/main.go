// Command tpecheck prints the median simple regret of pkg/search's tpe and
// multivariate-tpe (and random) on Branin and Hartmann-6, asked and told in
// batches of 3, to compare with optuna_check.py.
package main

import (
	"flag"
	"fmt"
	"math"
	"sort"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

func branin(x []float64) float64 {
	b, c, t := 5.1/(4*math.Pi*math.Pi), 5/math.Pi, 1/(8*math.Pi)
	return math.Pow(x[1]-b*x[0]*x[0]+c*x[0]-6, 2) + 10*(1-t)*math.Cos(x[0]) + 10
}

var hA = [4][6]float64{{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}}
var hP = [4][6]float64{{1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991}, {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}}
var hAlpha = [4]float64{1, 1.2, 3, 3.2}

func hartmann6(x []float64) float64 {
	v := 0.0
	for i := range 4 {
		s := 0.0
		for j := range 6 {
			d := x[j] - 1e-4*hP[i][j]
			s += hA[i][j] * d * d
		}
		v -= hAlpha[i] * math.Exp(-s)
	}
	return v
}

// mixed is a 4-D space of one categorical, one log-scaled float, one
// stepped int and one float, minimum 0.
func mixed(x []any) float64 {
	lr, _ := search.Float(x[1])
	units, _ := search.Float(x[2])
	y, _ := search.Float(x[3])
	return map[any]float64{"a": 0, "b": 0.5, "c": 1}[x[0]] + math.Pow(math.Log10(lr)+2.5, 2) + math.Pow((units-96)/64, 2) + math.Pow(y-1, 2)
}

// numeric turns an objective of numbers into one of parameter values.
func numeric(f func([]float64) float64) func([]any) float64 {
	return func(x []any) float64 {
		v := make([]float64, len(x))
		for i := range x {
			v[i], _ = search.Float(x[i])
		}
		return f(v)
	}
}

type problem struct {
	name  string
	f     func([]any) float64
	space search.Space
	min   float64
}

func main() {
	seeds := flag.Int("seeds", 20, "seeds")
	budget := flag.Int("budget", 30, "trials")
	verbose := flag.Bool("v", false, "print every regret")
	flag.Parse()
	h6 := search.Space{}
	for i := range 6 {
		h6 = append(h6, search.Param{Name: fmt.Sprintf("x%d", i), Type: search.Double, Min: 0, Max: 1})
	}
	problems := []problem{
		{"branin", numeric(branin), search.Space{{Name: "x0", Type: search.Double, Min: -5, Max: 10}, {Name: "x1", Type: search.Double, Min: 0, Max: 15}}, 0.397887},
		{"hartmann6", numeric(hartmann6), h6, -3.32237},
		{"mixed", mixed, search.Space{
			{Name: "c", Type: search.Categorical, Choices: []any{"a", "b", "c"}},
			{Name: "lr", Type: search.Double, Min: 1e-4, Max: 1, Dist: search.LogUniform},
			{Name: "units", Type: search.Int, Min: 16, Max: 256, Step: 16},
			{Name: "x", Type: search.Double, Min: -5, Max: 5},
		}, 0},
	}
	for _, p := range problems {
		for _, alg := range []string{"tpe", "multivariate-tpe", "random"} {
			var regrets []float64
			for s := range *seeds {
				a, err := search.New(search.Config{Algorithm: alg, Space: p.space, Seed: uint64(s)})
				if err != nil {
					panic(err)
				}
				var trials []search.Trial
				best := math.Inf(1)
				for len(trials) < *budget {
					sugs, err := a.Suggest(trials, min(3, *budget-len(trials)))
					if err != nil {
						panic(err)
					}
					for _, sg := range sugs {
						x := make([]any, len(sg.Params))
						for i, kv := range sg.Params {
							x[i] = kv.Value
						}
						v := p.f(x)
						best = math.Min(best, v)
						trials = append(trials, search.Trial{Index: len(trials), Params: sg.Params, State: search.Completed, Value: v})
					}
				}
				regrets = append(regrets, best-p.min)
			}
			if *verbose {
				fmt.Println(p.name, alg, regrets)
			}
			sort.Float64s(regrets)
			med := regrets[len(regrets)/2]
			if len(regrets)%2 == 0 {
				med = (regrets[len(regrets)/2-1] + regrets[len(regrets)/2]) / 2
			}
			fmt.Printf("%s %s median regret %.6g\n", p.name, alg, med)
		}
	}
}
