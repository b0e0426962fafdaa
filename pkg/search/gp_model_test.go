package search

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// A 1-D process and the values testdata/gp_1d.py computes for it with
// numpy (Algorithm 2.1 of Rasmussen & Williams).
var (
	gp1DX        = []float64{0.05, 0.2, 0.35, 0.5, 0.62, 0.8, 0.95}
	gp1DY        = []float64{0.3, -0.8, -1.2, 0.1, 0.9, 1.5, -0.4}
	gp1DXs       = []float64{0.0, 0.2, 0.27, 0.5, 0.7, 1.0}
	gp1DHyper    = gpHyper{amp: 1.3, length: []float64{0.2}, noise: 1e-3}
	gp1DMean     = []float64{0.45356365567996226, -0.7996607970430321, -1.2104177410676733, 0.09854752163377467, 1.4350045660140198, -0.7893656738903669}
	gp1DVar      = []float64{0.08811447904609304, 0.0009970054345340706, 0.03688463511240214, 0.0009956182075105957, 0.06072027038290706, 0.08900384718409549}
	gp1DLML      = -8.782890822745664
	gp1DLMLGrad  = []float64{0.10302973052489506, -1.4625193678341475, 0.0003661497771645372}
	gp1DLogPrior = -4.262411263430724
	// gp1DMaxLogPosterior is the largest log marginal likelihood plus log
	// prior within skopt's bounds, scipy's L-BFGS-B from 31 starts.
	gp1DMaxLogPosterior = -12.664622714506107
)

func gp1DData() *gpData {
	return &gpData{x: mat.NewDense(len(gp1DX), 1, gp1DX), y: mat.NewVecDense(len(gp1DY), gp1DY)}
}

func TestGPPosteriorMatchesNumpy(t *testing.T) {
	post, ok := newGPPosterior(gp1DData(), gp1DHyper)
	if !ok {
		t.Fatal("covariance not positive definite")
	}
	mean, variance := make([]float64, len(gp1DXs)), make([]float64, len(gp1DXs))
	post.predict(mat.NewDense(len(gp1DXs), 1, gp1DXs), mean, variance)
	for i, x := range gp1DXs {
		m, v := post.predictGrad([]float64{x}, make([]float64, 1), make([]float64, 1))
		for _, got := range [][2]float64{{mean[i], variance[i]}, {m, v}} {
			if math.Abs(got[0]-gp1DMean[i]) > 1e-9 || math.Abs(got[1]-gp1DVar[i]) > 1e-9 {
				t.Errorf("at %v: mean %v variance %v, numpy says %v and %v", x, got[0], got[1], gp1DMean[i], gp1DVar[i])
			}
		}
	}
}

func TestGPLogLikelihoodMatchesNumpy(t *testing.T) {
	grad := make([]float64, 3)
	got := -gp1DData().negLogLikelihood(gp1DHyper.theta(), grad)
	if math.Abs(got-gp1DLML) > 1e-9 {
		t.Errorf("log marginal likelihood %v, numpy says %v", got, gp1DLML)
	}
	for i := range grad {
		if math.Abs(-grad[i]-gp1DLMLGrad[i]) > 1e-6 {
			t.Errorf("gradient %d: %v, numpy's finite differences say %v", i, -grad[i], gp1DLMLGrad[i])
		}
	}
}

func TestGPPriorMatchesNumpy(t *testing.T) {
	if got := -negLogPrior(gp1DHyper.theta(), make([]float64, 3)); math.Abs(got-gp1DLogPrior) > 1e-12 {
		t.Errorf("log prior %v, numpy says %v", got, gp1DLogPrior)
	}
}

// The fit reaches the maximum scipy's L-BFGS-B finds from many starts.
func TestGPFitFindsMaximumPosterior(t *testing.T) {
	g := gp1DData()
	h := fitGP(g, Rand(1, 0))
	if got := -g.negLogPosterior(h.theta(), nil); got < gp1DMaxLogPosterior-1e-4 {
		t.Errorf("fitted log posterior %v (%+v), scipy reaches %v", got, h, gp1DMaxLogPosterior)
	}
}

// The gradients of the log likelihood and prior in every dimension, and
// of the posterior mean and variance, agree with finite differences.
func TestGPGradients(t *testing.T) {
	g := braninData(12)
	theta := []float64{0.3, -1, 0.5, -4}
	for name, f := range map[string]func(theta, grad []float64) float64{
		"likelihood": g.negLogLikelihood,
		"prior":      negLogPrior,
		"posterior":  g.negLogPosterior,
	} {
		grad := make([]float64, len(theta))
		f(theta, grad)
		want := fd.Gradient(nil, func(th []float64) float64 { return f(th, make([]float64, len(th))) }, theta, nil)
		for i := range grad {
			if math.Abs(grad[i]-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s gradient %d: %v, finite differences %v", name, i, grad[i], want[i])
			}
		}
	}

	post, _ := newGPPosterior(g, hyperFromTheta(theta))
	x := []float64{0.4, 0.7}
	dmean, dvar := make([]float64, 2), make([]float64, 2)
	post.predictGrad(x, dmean, dvar)
	at := func(x []float64) (float64, float64) {
		return post.predictGrad(x, make([]float64, 2), make([]float64, 2))
	}
	wantMean := fd.Gradient(nil, func(x []float64) float64 { m, _ := at(x); return m }, x, nil)
	wantVar := fd.Gradient(nil, func(x []float64) float64 { _, v := at(x); return v }, x, nil)
	for d := range x {
		if math.Abs(dmean[d]-wantMean[d]) > 1e-5 || math.Abs(dvar[d]-wantVar[d]) > 1e-5 {
			t.Errorf("dimension %d: mean and variance gradients %v %v, finite differences %v %v", d, dmean[d], dvar[d], wantMean[d], wantVar[d])
		}
	}
}

// braninData returns n points of Branin on its unit square, drawn by the
// random search of seed 1, with normalized values.
func braninData(n int) *gpData {
	rnd, _ := New(Config{Algorithm: "random", Space: braninSpace, Seed: 1})
	sugs, _ := rnd.Suggest(nil, n)
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i, s := range sugs {
		v := unitValues(s.Params)
		x.Set(i, 0, braninSpace[0].ToUnit(v[0]))
		x.Set(i, 1, braninSpace[1].ToUnit(v[1]))
		y[i] = branin(v[0], v[1]) / 100
	}
	return &gpData{x: x, y: mat.NewVecDense(n, y)}
}

// Fitted to a smooth function, the process goes through its observations
// (within the noise it fitted) and is sure of them.
func TestGPInterpolatesObservations(t *testing.T) {
	g := braninData(15)
	h := fitGP(g, Rand(2, 0))
	if h.noise > 1e-3 {
		t.Errorf("fitted noise %v on a noiseless function", h.noise)
	}
	post, _ := newGPPosterior(g, h)
	n, _ := g.x.Dims()
	mean, variance := make([]float64, n), make([]float64, n)
	post.predict(g.x, mean, variance)
	for i := range n {
		if y := g.y.AtVec(i); math.Abs(mean[i]-y) > 3*math.Sqrt(h.noise) || variance[i] > h.noise {
			t.Errorf("training point %d: mean %v variance %v, observed %v (noise %v)", i, mean[i], variance[i], y, h.noise)
		}
	}
}

func TestExpectedImprovement(t *testing.T) {
	const best = 0.0
	for _, tc := range []struct {
		mu, sigma float64
		positive  bool
	}{
		{mu: 0.5, sigma: 0, positive: false},  // sure to be worse
		{mu: 0, sigma: 0, positive: false},    // sure to tie: no improvement beyond xi
		{mu: -0.5, sigma: 0, positive: true},  // sure to improve
		{mu: 0.5, sigma: 0.1, positive: true}, // worse on average, may improve
		{mu: 3, sigma: 1, positive: true},
	} {
		v, _, _ := expectedImprovement.value(tc.mu, tc.sigma, best)
		if (v > 0) != tc.positive || v < 0 {
			t.Errorf("EI(mu=%v, sigma=%v) = %v, want positive: %v", tc.mu, tc.sigma, v, tc.positive)
		}
	}
	// Jones et al. eq. 15 at mu = best, sigma = 1: -xi Phi(-xi) + phi(-xi).
	v, dmu, dsigma := expectedImprovement.value(0, 1, best)
	if want := -gpXi*0.4960106436853684 + 0.39892233378608216; math.Abs(v-want) > 1e-12 {
		t.Errorf("EI(0, 1) = %v, want %v", v, want)
	}
	h := 1e-6
	for name, a := range map[string]acquisition{"EI": expectedImprovement, "PI": probabilityOfImprovement, "LCB": lowerConfidenceBound} {
		v, dmu, dsigma = a.value(0.2, 0.7, best)
		up, _, _ := a.value(0.2+h, 0.7, best)
		right, _, _ := a.value(0.2, 0.7+h, best)
		if math.Abs((up-v)/h-dmu) > 1e-5 || math.Abs((right-v)/h-dsigma) > 1e-5 {
			t.Errorf("%s: derivatives %v %v, finite differences %v %v", name, dmu, dsigma, (up-v)/h, (right-v)/h)
		}
	}
}
