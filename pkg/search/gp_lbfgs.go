package search

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// minimizeBox minimizes f over the box [lo, hi] from x0 with gonum's
// L-BFGS, at most iters iterations, in place of scipy's fmin_l_bfgs_b with
// bounds that sklearn and skopt use: gonum's L-BFGS is unconstrained, so it
// runs on z with x = lo + (hi-lo) sigmoid(z). f returns its value at x and
// writes its gradient with respect to x into grad. minimizeBox returns the
// best point it evaluated and its value (x0 itself when nothing was
// better), whether or not L-BFGS converged.
func minimizeBox(f func(x, grad []float64) float64, x0, lo, hi []float64, iters int) ([]float64, float64) {
	n := len(x0)
	toX := func(z, x []float64) {
		for i := range z {
			x[i] = lo[i] + (hi[i]-lo[i])/(1+math.Exp(-z[i]))
		}
	}
	z0 := make([]float64, n)
	for i := range x0 {
		// Start strictly inside: sigmoid reaches the bounds only at infinity.
		u := (x0[i] - lo[i]) / (hi[i] - lo[i])
		u = math.Max(1e-6, math.Min(1-1e-6, u))
		z0[i] = math.Log(u / (1 - u))
	}

	best := slices.Clone(x0)
	bestF := f(best, make([]float64, n))
	var lastZ, lastGrad []float64
	var lastF float64
	x, gx := make([]float64, n), make([]float64, n)
	eval := func(z []float64) {
		if lastZ != nil && slices.Equal(z, lastZ) {
			return
		}
		toX(z, x)
		lastF = f(x, gx)
		lastZ = append(lastZ[:0], z...)
		lastGrad = slices.Grow(lastGrad[:0], n)[:n]
		for i := range z {
			// dx/dz = (x-lo)(hi-x)/(hi-lo).
			lastGrad[i] = gx[i] * (x[i] - lo[i]) * (hi[i] - x[i]) / (hi[i] - lo[i])
		}
		if lastF < bestF {
			bestF = lastF
			copy(best, x)
		}
		if math.IsInf(lastF, 0) || math.IsNaN(lastF) {
			// Let the line search step back from a point it cannot use.
			lastF = math.MaxFloat64
		}
	}
	problem := optimize.Problem{
		Func: func(z []float64) float64 { eval(z); return lastF },
		Grad: func(grad, z []float64) { eval(z); copy(grad, lastGrad) },
	}
	settings := &optimize.Settings{
		MajorIterations:   iters,
		GradientThreshold: 1e-8,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-9, Relative: 1e-9, Iterations: 3},
	}
	// An error (a failed line search) still leaves the best point seen.
	_, _ = optimize.Minimize(problem, z0, settings, &optimize.LBFGS{})
	return best, bestF
}
