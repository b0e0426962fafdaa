package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseActivation(t *testing.T) {
	for i, name := range ActivationNames() {
		a, err := ParseActivation(name)
		if err != nil || a != Activation(i) || a.String() != name {
			t.Errorf("ParseActivation(%q) = %v, %v", name, a, err)
		}
	}
	if _, err := ParseActivation("swish"); err == nil {
		t.Error("ParseActivation(swish): no error")
	}
}

func TestApplyValues(t *testing.T) {
	z := []float64{-2, -0.5, 0, 0.5, 2}
	e := math.Expm1
	tests := map[Activation][]float64{
		Softmax:  softmaxRef(z),
		ReLU:     {0, 0, 0, 0.5, 2},
		Tanh:     {math.Tanh(-2), math.Tanh(-0.5), 0, math.Tanh(0.5), math.Tanh(2)},
		Linear:   {-2, -0.5, 0, 0.5, 2},
		SELU:     {seluScale * seluAlpha * e(-2), seluScale * seluAlpha * e(-0.5), 0, seluScale * 0.5, seluScale * 2},
		ELU:      {e(-2), e(-0.5), 0, 0.5, 2},
		Sigmoid:  {1 / (1 + math.Exp(2)), 1 / (1 + math.Exp(0.5)), 0.5, 1 / (1 + math.Exp(-0.5)), 1 / (1 + math.Exp(-2))},
		Softsign: {-2.0 / 3, -0.5 / 1.5, 0, 0.5 / 1.5, 2.0 / 3},
	}
	for a, want := range tests {
		t.Run(a.String(), func(t *testing.T) {
			got := make([]float64, len(z))
			Apply(a, z, got)
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
}

func softmaxRef(z []float64) []float64 {
	s := 0.0
	out := make([]float64, len(z))
	for i, v := range z {
		out[i] = math.Exp(v)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// TestBackwardFiniteDifferences checks every activation's gradient against
// central differences of L = sum(gout * a(z)).
func TestBackwardFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, h = 7, 1e-6
	for i := range ActivationNames() {
		a := Activation(i)
		t.Run(a.String(), func(t *testing.T) {
			for range 20 {
				z, gout := make([]float64, n), make([]float64, n)
				for k := range z {
					z[k] = rng.NormFloat64() * 2
					if math.Abs(z[k]) < 1e-3 { // stay off relu/elu kinks
						z[k] = 0.5
					}
					gout[k] = rng.NormFloat64()
				}
				out, gz := make([]float64, n), make([]float64, n)
				Apply(a, z, out)
				Backward(a, z, out, gout, gz)
				for k := range z {
					zp, zm := append([]float64(nil), z...), append([]float64(nil), z...)
					zp[k] += h
					zm[k] -= h
					num := (weighted(a, zp, gout) - weighted(a, zm, gout)) / (2 * h)
					if math.Abs(num-gz[k]) > 1e-6*(1+math.Abs(num)) {
						t.Fatalf("z=%v k=%d: analytic %g, numeric %g", z, k, gz[k], num)
					}
				}
			}
		})
	}
}

func weighted(a Activation, z, w []float64) float64 {
	out := make([]float64, len(z))
	Apply(a, z, out)
	s := 0.0
	for i := range out {
		s += out[i] * w[i]
	}
	return s
}

func TestSoftmaxLargeInputsStayFinite(t *testing.T) {
	out := make([]float32, 3)
	Apply(Softmax, []float32{1000, 0, -1000}, out)
	if diff := cmp.Diff([]float32{1, 0, 0}, out); diff != "" {
		t.Errorf("softmax (-want +got):\n%s", diff)
	}
}
