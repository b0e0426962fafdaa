package nn

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCrossEntropy(t *testing.T) {
	nan := math.NaN()
	tests := map[string]struct {
		out      []float64
		c        int
		wantLoss float64
		wantGrad []float64
	}{
		"probabilities": {
			out: []float64{0.25, 0.5, 0.25}, c: 1,
			wantLoss: math.Log(2), wantGrad: []float64{1, 1 - 2, 1},
		},
		"unnormalised outputs are scaled to sum 1 first": {
			out: []float64{1, 2, 1}, c: 1,
			wantLoss: math.Log(2), wantGrad: []float64{0.25, 0.25 - 0.5, 0.25},
		},
		"true class at zero is clipped to epsilon, no gradient": {
			out: []float64{0, 1, 0}, c: 0,
			wantLoss: -math.Log(Epsilon), wantGrad: []float64{0, 0, 0},
		},
		"certain and right is clipped to 1-epsilon": {
			out: []float64{0, 1, 0}, c: 1,
			wantLoss: -math.Log(1 - Epsilon), wantGrad: []float64{0, 0, 0},
		},
		"all-zero output (relu) is NaN, as 0/0 in Keras": {
			out: []float64{0, 0, 0}, c: 2,
			wantLoss: nan, wantGrad: []float64{math.Inf(1), math.Inf(1), nan},
		},
		"negative sum (tanh, linear) flips signs": {
			out: []float64{-0.5, -0.25, -0.25}, c: 0,
			wantLoss: math.Log(2), wantGrad: []float64{-1 + 2, -1, -1},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			grad := make([]float64, len(tc.out))
			loss := CrossEntropy(tc.out, tc.c, grad)
			opts := []cmp.Option{cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateNaNs()}
			if diff := cmp.Diff(tc.wantLoss, loss, opts...); diff != "" {
				t.Errorf("loss (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantGrad, grad, opts...); diff != "" {
				t.Errorf("grad (-want +got):\n%s", diff)
			}
			if l := CrossEntropy(tc.out, tc.c, nil); !(l == loss || math.IsNaN(l) && math.IsNaN(loss)) {
				t.Errorf("loss without gradient %v, with %v", l, loss)
			}
		})
	}
}

func TestCrossEntropyFiniteDifferences(t *testing.T) {
	out := []float64{0.3, 1.2, 0.7, 0.1}
	const h = 1e-7
	for c := range out {
		grad := make([]float64, len(out))
		CrossEntropy(out, c, grad)
		for k := range out {
			p, m := append([]float64(nil), out...), append([]float64(nil), out...)
			p[k] += h
			m[k] -= h
			num := (CrossEntropy(p, c, nil) - CrossEntropy(m, c, nil)) / (2 * h)
			if math.Abs(num-grad[k]) > 1e-5 {
				t.Errorf("c=%d k=%d: analytic %g, numeric %g", c, k, grad[k], num)
			}
		}
	}
}

func TestArgmax(t *testing.T) {
	nan := math.NaN()
	tests := map[string]struct {
		v    []float32
		want int
	}{
		"max":           {[]float32{0.1, 0.7, 0.2}, 1},
		"first of ties": {[]float32{0.5, 0.5}, 0},
		"all NaN":       {[]float32{float32(nan), float32(nan)}, 0},
		"NaN skipped":   {[]float32{0.1, float32(nan), 0.3}, 2},
	}
	for name, tc := range tests {
		if got := Argmax(tc.v); got != tc.want {
			t.Errorf("%s: Argmax(%v) = %d, want %d", name, tc.v, got, tc.want)
		}
	}
}
