package search

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// The truncated normal distribution of the Parzen estimators' kernels, with
// bounds a and b in standard units ((bound-mu)/sigma), as Optuna 3.1's
// samplers/_tpe/_truncnorm.py computes it (after SciPy's truncnorm): the
// probability mass of [a, b] is taken from the left tail of the normal,
// where it is accurate, by symmetry.

// logNormCDF returns log Φ(x).
func logNormCDF(x float64) float64 {
	if x > 0 {
		return math.Log1p(-distuv.UnitNormal.CDF(-x))
	}
	return math.Log(distuv.UnitNormal.CDF(x))
}

// logGaussMass returns the log of the standard normal's mass on [a, b].
func logGaussMass(a, b float64) float64 {
	switch {
	case b <= 0: // left tail: log(Φ(b) - Φ(a))
		lb, la := logNormCDF(b), logNormCDF(a)
		return lb + math.Log1p(-math.Exp(la-lb))
	case a > 0: // right tail, by symmetry
		return logGaussMass(-b, -a)
	default: // around 0: 1 minus both tails, without cancellation
		return math.Log1p(-distuv.UnitNormal.CDF(a) - distuv.UnitNormal.CDF(-b))
	}
}

// truncNormQuantile returns the u-quantile (u in [0, 1)) of the standard
// normal truncated to [a, b], by inverting the CDF from the nearer tail.
func truncNormQuantile(u, a, b float64) float64 {
	mass := math.Exp(logGaussMass(a, b))
	var x float64
	if a < 0 {
		x = distuv.UnitNormal.Quantile(math.Min(1, distuv.UnitNormal.CDF(a)+u*mass))
	} else {
		x = -distuv.UnitNormal.Quantile(math.Min(1, distuv.UnitNormal.CDF(-b)+(1-u)*mass))
	}
	return math.Max(a, math.Min(b, x))
}
