package search

import (
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// unitValues returns the numeric values of p in order.
func unitValues(p params.Params) []float64 {
	out := make([]float64, len(p))
	for i, kv := range p {
		out[i], _ = Float(kv.Value)
	}
	return out
}

// branin is the Branin-Hoo function on x in [-5, 10], y in [0, 15]; its
// minimum is 0.397887 (Dixon & Szegö 1978).
func branin(x, y float64) float64 {
	b, c := 5.1/(4*math.Pi*math.Pi), 5/math.Pi
	t := 1 / (8 * math.Pi)
	return math.Pow(y-b*x*x+c*x-6, 2) + 10*(1-t)*math.Cos(x) + 10
}

// hartmann6 is the 6-dimensional Hartmann function on [0, 1]^6; its
// minimum is -3.32237.
func hartmann6(x []float64) float64 {
	alpha := [4]float64{1.0, 1.2, 3.0, 3.2}
	a := [4][6]float64{
		{10, 3, 17, 3.5, 1.7, 8},
		{0.05, 10, 17, 0.1, 8, 14},
		{3, 3.5, 1.7, 10, 17, 8},
		{17, 8, 0.05, 10, 0.1, 14},
	}
	p := [4][6]float64{
		{1312, 1696, 5569, 124, 8283, 5886},
		{2329, 4135, 8307, 3736, 1004, 9991},
		{2348, 1451, 3522, 2883, 3047, 6650},
		{4047, 8828, 8732, 5743, 1091, 381},
	}
	s := 0.0
	for i := range 4 {
		e := 0.0
		for j := range 6 {
			d := x[j] - p[i][j]*1e-4
			e += a[i][j] * d * d
		}
		s += alpha[i] * math.Exp(-e)
	}
	return -s
}
