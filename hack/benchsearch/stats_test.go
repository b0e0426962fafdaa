package main

import (
	"math"
	"testing"
)

// The reference values are numpy.quantile and scipy.stats.mannwhitneyu
// (scipy 1.10, method="asymptotic", alternative="less") on the same data.
func TestQuantile(t *testing.T) {
	xs := []float64{3, 1, 4, 1, 5, 9, 2, 6, math.NaN()}
	for q, want := range map[float64]float64{0.25: 1.75, 0.5: 3.5, 0.75: 5.25, 0: 1, 1: 9} {
		if got := Quantile(xs, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if got := Median([]float64{math.NaN()}); !math.IsNaN(got) {
		t.Errorf("median of no number = %v, want NaN", got)
	}
}

func TestMannWhitneyLess(t *testing.T) {
	x := []float64{0.1, 0.2, 0.2, 0.5, 0.9, 1.3, 0.05, 0.4}
	y := []float64{0.3, 0.8, 0.2, 1.5, 2.0, 0.9, 1.1, 0.7, 0.6}
	if got, want := MannWhitneyLess(x, y), 0.04115989658637398; math.Abs(got-want) > 1e-12 {
		t.Errorf("p = %v, want %v (scipy)", got, want)
	}
	if got := MannWhitneyLess(y, x); got < 0.9 {
		t.Errorf("p of the reverse = %v, want near 1", got)
	}
	if got := MannWhitneyLess([]float64{1, 1}, []float64{1, 1}); got != 1 {
		t.Errorf("p of equal samples = %v, want 1", got)
	}
}
