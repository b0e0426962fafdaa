package search

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// The Gaussian process of bayesianoptimization is skopt's default
// surrogate (skopt.utils.cook_estimator("GP")): on inputs in the unit cube
// and targets normalized to mean 0 and deviation 1 (normalize_y=True), the
// kernel
//
//	ConstantKernel(1.0, (0.01, 1000)) * Matern(length_scale=ones(D), (0.01, 100), nu=2.5)
//	  + WhiteKernel(1.0, (1e-5, 1e5))
//
// (noise="gaussian"), with 1e-10 added to the diagonal (sklearn's alpha).
// Its hyper-parameters are fitted as gp_fit.go says. As skopt, the white
// noise is left out of the covariance of the points predicted (Rasmussen &
// Williams 2006, eq. 2.24).

// gpJitter is sklearn's alpha, added to the diagonal of the covariance.
const gpJitter = 1e-10

// The bounds of the hyper-parameters, in log space.
var (
	gpAmplitudeBounds = [2]float64{math.Log(0.01), math.Log(1000)}
	gpLengthBounds    = [2]float64{math.Log(0.01), math.Log(100)}
	gpNoiseBounds     = [2]float64{math.Log(1e-5), math.Log(1e5)}
)

// gpHyper are the hyper-parameters: amplitude, one length scale per input
// dimension and noise variance (not logs).
type gpHyper struct {
	amp    float64
	length []float64
	noise  float64
}

// theta returns h in log space, [log amp, log lengths..., log noise], the
// order of the bounds gpBounds returns.
func (h gpHyper) theta() []float64 {
	t := make([]float64, 0, len(h.length)+2)
	t = append(t, math.Log(h.amp))
	for _, l := range h.length {
		t = append(t, math.Log(l))
	}
	return append(t, math.Log(h.noise))
}

// hyperFromTheta is the inverse of gpHyper.theta.
func hyperFromTheta(t []float64) gpHyper {
	h := gpHyper{amp: math.Exp(t[0]), noise: math.Exp(t[len(t)-1]), length: make([]float64, len(t)-2)}
	for d := range h.length {
		h.length[d] = math.Exp(t[d+1])
	}
	return h
}

// gpBounds returns the lower and upper bounds of theta for d inputs.
func gpBounds(d int) (lo, hi []float64) {
	lo, hi = make([]float64, d+2), make([]float64, d+2)
	lo[0], hi[0] = gpAmplitudeBounds[0], gpAmplitudeBounds[1]
	for i := 1; i <= d; i++ {
		lo[i], hi[i] = gpLengthBounds[0], gpLengthBounds[1]
	}
	lo[d+1], hi[d+1] = gpNoiseBounds[0], gpNoiseBounds[1]
	return lo, hi
}

// matern52 returns the Matérn 5/2 correlation at scaled distance r,
// (1 + √5 r + 5r²/3) exp(-√5 r), and g with dk/dr = -g r:
// g = 5/3 (1 + √5 r) exp(-√5 r) (Rasmussen & Williams 2006, eq. 4.17).
func matern52(r float64) (k, g float64) {
	s := math.Sqrt(5) * r
	e := math.Exp(-s)
	return (1 + s + s*s/3) * e, 5.0 / 3 * (1 + s) * e
}

// scaledDistance returns the distance between a and b with dimension d
// divided by length[d].
func scaledDistance(a, b, length []float64) float64 {
	r2 := 0.0
	for d := range a {
		z := (a[d] - b[d]) / length[d]
		r2 += z * z
	}
	return math.Sqrt(r2)
}

// gpData are the training points of a Gaussian process: inputs (one row
// per point) and normalized targets.
type gpData struct {
	x *mat.Dense
	y *mat.VecDense
}

// covariance returns the covariance of the training inputs under h, noise
// and jitter on the diagonal, and g(r) of every pair (row-major).
func (g *gpData) covariance(h gpHyper) (*mat.SymDense, []float64) {
	n, _ := g.x.Dims()
	k := mat.NewSymDense(n, nil)
	gs := make([]float64, n*n)
	for a := range n {
		k.SetSym(a, a, h.amp+h.noise+gpJitter)
		xa := g.x.RawRowView(a)
		for b := a + 1; b < n; b++ {
			c, gr := matern52(scaledDistance(xa, g.x.RawRowView(b), h.length))
			k.SetSym(a, b, h.amp*c)
			gs[a*n+b] = gr
		}
	}
	return k, gs
}

// negLogLikelihood returns minus the log marginal likelihood of the
// targets under theta (Rasmussen & Williams 2006, Algorithm 2.1 line 8 and
// eq. 5.9 for its gradient) and, when grad is not nil, writes minus its
// gradient with respect to theta into grad. It returns +Inf when the
// covariance is not positive definite.
func (g *gpData) negLogLikelihood(theta, grad []float64) float64 {
	h := hyperFromTheta(theta)
	n, dims := g.x.Dims()
	k, gs := g.covariance(h)
	var chol mat.Cholesky
	if !chol.Factorize(k) {
		for i := range grad {
			grad[i] = 0
		}
		return math.Inf(1)
	}
	alpha := mat.NewVecDense(n, nil)
	_ = chol.SolveVecTo(alpha, g.y) // a Condition error still solves
	lml := -0.5*mat.Dot(g.y, alpha) - 0.5*chol.LogDet() - float64(n)/2*math.Log(2*math.Pi)
	if grad == nil {
		return -lml
	}
	// d lml / d theta_j = 1/2 tr((alpha alpha' - K^-1) dK/dtheta_j).
	var kinv mat.SymDense
	_ = chol.InverseTo(&kinv)
	for i := range grad {
		grad[i] = 0
	}
	for a := range n {
		w := alpha.AtVec(a)*alpha.AtVec(a) - kinv.At(a, a)
		grad[dims+1] += 0.5 * w * h.noise // dK/dlog noise = noise I
		grad[0] += 0.5 * w * h.amp        // dK/dlog amp = amp k(r), k(0) = 1
		xa := g.x.RawRowView(a)
		for b := a + 1; b < n; b++ {
			// Both (a, b) and (b, a): twice the half.
			w := alpha.AtVec(a)*alpha.AtVec(b) - kinv.At(a, b)
			grad[0] += w * k.At(a, b)
			// dK/dlog l_d = amp g(r) (x_ad - x_bd)² / l_d².
			f := w * h.amp * gs[a*n+b]
			xb := g.x.RawRowView(b)
			for d := range dims {
				z := (xa[d] - xb[d]) / h.length[d]
				grad[d+1] += f * z * z
			}
		}
	}
	for i := range grad {
		grad[i] = -grad[i]
	}
	return -lml
}

// gpPosterior is a Gaussian process conditioned on its training data
// (Rasmussen & Williams 2006, Algorithm 2.1).
type gpPosterior struct {
	h    gpHyper
	x    *mat.Dense
	chol mat.Cholesky
	// u is the upper Cholesky factor: K = u'u.
	u     mat.TriDense
	alpha *mat.VecDense
}

// newGPPosterior conditions the process with hyper-parameters h on g; it
// returns false when the covariance is not positive definite.
func newGPPosterior(g *gpData, h gpHyper) (*gpPosterior, bool) {
	p := &gpPosterior{h: h, x: g.x}
	k, _ := g.covariance(h)
	if !p.chol.Factorize(k) {
		return nil, false
	}
	p.chol.UTo(&p.u)
	p.alpha = mat.NewVecDense(g.y.Len(), nil)
	_ = p.chol.SolveVecTo(p.alpha, g.y)
	return p, true
}

// predict writes the posterior mean and variance of the latent function
// at every row of xs into mean and variance (Algorithm 2.1 lines 4-6:
// f* = k*'alpha, v = L\k*, V = k(x*, x*) - v'v).
func (p *gpPosterior) predict(xs *mat.Dense, mean, variance []float64) {
	m, _ := xs.Dims()
	n, _ := p.x.Dims()
	kt := mat.NewDense(n, m, nil)
	for a := range n {
		xa := p.x.RawRowView(a)
		row := kt.RawRowView(a)
		for j := range m {
			c, _ := matern52(scaledDistance(xa, xs.RawRowView(j), p.h.length))
			row[j] = p.h.amp * c
		}
	}
	mv := mat.NewVecDense(m, mean)
	mv.MulVec(kt.T(), p.alpha)
	var v mat.Dense
	_ = p.u.SolveTo(&v, true, kt) // u'v = k*: v = L\k*
	for j := range m {
		variance[j] = p.h.amp
	}
	for a := range n {
		for j, vaj := range v.RawRowView(a) {
			variance[j] -= vaj * vaj
		}
	}
	for j := range variance {
		variance[j] = math.Max(0, variance[j])
	}
}

// predictGrad returns the posterior mean and variance at x and writes
// their gradients with respect to x into dmean and dvar.
func (p *gpPosterior) predictGrad(x, dmean, dvar []float64) (mean, variance float64) {
	n, dims := p.x.Dims()
	k := mat.NewVecDense(n, nil)
	dk := mat.NewDense(n, dims, nil) // dk[a][d] = d k(x, x_a) / d x_d
	for a := range n {
		xa := p.x.RawRowView(a)
		c, g := matern52(scaledDistance(x, xa, p.h.length))
		k.SetVec(a, p.h.amp*c)
		row := dk.RawRowView(a)
		for d := range dims {
			row[d] = -p.h.amp * g * (x[d] - xa[d]) / (p.h.length[d] * p.h.length[d])
		}
	}
	w := mat.NewVecDense(n, nil)
	_ = p.chol.SolveVecTo(w, k) // w = K^-1 k*
	mean = mat.Dot(k, p.alpha)
	variance = p.h.amp - mat.Dot(k, w)
	mat.NewVecDense(dims, dmean).MulVec(dk.T(), p.alpha)
	dv := mat.NewVecDense(dims, dvar)
	dv.MulVec(dk.T(), w)
	dv.ScaleVec(-2, dv)
	if variance < 0 {
		variance = 0
	}
	return mean, variance
}
