package search

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// The constants of the cmaes library (CyberAgent, cmaes/_cma.py 0.9.1), the
// backend of Optuna's CmaEsSampler.
const (
	cmaEps      = 1e-8  // floor of an eigenvalue, and of a norm in eq. 46
	cmaSigmaMax = 1e32  // cap of the step size
	cmaTolXUp   = 1e4   // divergence: sigma times the largest axis
	cmaTolFun   = 1e-12 // flat: range of recent best and worst values
	cmaTolCond  = 1e14  // condition number of C
)

// cmaES is the state of one run of the CMA evolution strategy (Hansen, "The
// CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016; equation
// numbers below are the tutorial's), over the unit cube, minimizing. It is
// a port of the cmaes library's CMA class, which Optuna 3.1's CmaEsSampler
// drives: the same weights with negative ones (active CMA), learning rates,
// step-size control, h_sigma and stopping criteria, so a generation told
// here moves mean, sigma and C as it moves them there.
type cmaES struct {
	n, popsize, mu int
	weights        []float64
	muEff          float64
	cc, c1, cmu    float64
	cSigma, dSigma float64
	cm, chiN       float64

	mean, pSigma, pc []float64
	sigma            float64
	c                *mat.SymDense
	g                int // generations told

	// b and d are the eigenvectors (columns) and the square roots of the
	// eigenvalues of c: c = b diag(d)^2 bᵀ.
	b *mat.Dense
	d []float64

	tolX        float64
	funhistTerm int
	funhist     []float64 // best and worst value of the last funhistTerm generations
}

// newCMAES starts a run at mean with step size sigma, C the identity, and
// popsize members a generation (4+floor(3 ln n) when popsize is 0, eq. 48).
func newCMAES(mean []float64, sigma float64, popsize int) *cmaES {
	n := len(mean)
	if popsize <= 0 {
		popsize = 4 + int(math.Floor(3*math.Log(float64(n))))
	}
	mu := popsize / 2

	// Weights (eq. 49-53): log-linear for the mu best, negative for the rest.
	wp := make([]float64, popsize)
	for i := range wp {
		wp[i] = math.Log(float64(popsize+1)/2) - math.Log(float64(i+1))
	}
	muEff := cmaSquare(floats.Sum(wp[:mu])) / floats.Dot(wp[:mu], wp[:mu])
	muEffMinus := cmaSquare(floats.Sum(wp[mu:])) / floats.Dot(wp[mu:], wp[mu:])

	nf := float64(n)
	const alphaCov = 2.0
	c1 := alphaCov / (cmaSquare(nf+1.3) + muEff)
	cmu := math.Min(1-c1-1e-8, alphaCov*(muEff-2+1/muEff)/(cmaSquare(nf+2)+alphaCov*muEff/2))
	minAlpha := math.Min(1+c1/cmu, math.Min(1+2*muEffMinus/(muEff+2), (1-c1-cmu)/(nf*cmu)))
	var posSum, negSum float64
	for _, w := range wp {
		if w > 0 {
			posSum += w
		} else if w < 0 {
			negSum -= w
		}
	}
	weights := make([]float64, popsize)
	for i, w := range wp {
		if w >= 0 {
			weights[i] = w / posSum
		} else {
			weights[i] = minAlpha / negSum * w
		}
	}

	cSigma := (muEff + 2) / (nf + muEff + 5) // eq. 55
	dSigma := 1 + 2*math.Max(0, math.Sqrt((muEff-1)/(nf+1))-1) + cSigma
	cc := (4 + muEff/nf) / (nf + 4 + 2*muEff/nf) // eq. 56

	e := &cmaES{
		n: n, popsize: popsize, mu: mu, weights: weights, muEff: muEff,
		cc: cc, c1: c1, cmu: cmu, cSigma: cSigma, dSigma: dSigma, cm: 1,
		// E||N(0, I)|| (p. 28)
		chiN:   math.Sqrt(nf) * (1 - 1/(4*nf) + 1/(21*nf*nf)),
		mean:   append([]float64(nil), mean...),
		pSigma: make([]float64, n),
		pc:     make([]float64, n),
		sigma:  sigma,
		c:      mat.NewSymDense(n, nil),
		tolX:   1e-12 * sigma,
	}
	for i := 0; i < n; i++ {
		e.c.SetSym(i, i, 1)
	}
	e.funhistTerm = 10 + int(math.Ceil(30*nf/float64(popsize)))
	e.funhist = make([]float64, 2*e.funhistTerm)
	e.decompose()
	return e
}

func cmaSquare(x float64) float64 { return x * x }

// decompose computes b and d from c, and, as the cmaes library does, puts
// back into c the matrix they rebuild (a negative eigenvalue becomes eps).
func (e *cmaES) decompose() {
	for i := 0; i < e.n; i++ {
		for j := i + 1; j < e.n; j++ {
			e.c.SetSym(i, j, (e.c.At(i, j)+e.c.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(e.c, true) {
		// Cannot happen for a finite symmetric matrix; keep the last axes.
		return
	}
	d2 := eig.Values(nil)
	b := mat.NewDense(e.n, e.n, nil)
	eig.VectorsTo(b)
	d := make([]float64, e.n)
	for i, v := range d2 {
		if v < 0 {
			v = cmaEps
		}
		d[i] = math.Sqrt(v)
	}
	// c = b diag(d^2) bᵀ
	bd := mat.NewDense(e.n, e.n, nil)
	bd.Apply(func(i, j int, v float64) float64 { return v * d[j] * d[j] }, b)
	var c mat.Dense
	c.Mul(bd, b.T())
	for i := 0; i < e.n; i++ {
		for j := i; j < e.n; j++ {
			e.c.SetSym(i, j, c.At(i, j))
		}
	}
	e.b, e.d = b, d
}

// sample draws one point from N(mean, sigma² C): z ~ N(0, I), x = mean +
// sigma b diag(d) z (eq. 38-40).
func (e *cmaES) sample(rng *rand.Rand) []float64 {
	z := make([]float64, e.n)
	for i := range z {
		z[i] = rng.NormFloat64() * e.d[i]
	}
	var y mat.VecDense
	y.MulVec(e.b, mat.NewVecDense(e.n, z))
	x := make([]float64, e.n)
	for i := range x {
		x[i] = e.mean[i] + e.sigma*y.AtVec(i)
	}
	return x
}

// ask draws points until one lies in the unit cube, at most 10n times as
// Optuna asks the library (n_max_resampling), then clips one more draw.
func (e *cmaES) ask(rng *rand.Rand) []float64 {
	for range 10 * e.n {
		x := e.sample(rng)
		if inUnitCube(x) {
			return x
		}
	}
	x := e.sample(rng)
	for i := range x {
		x[i] = math.Max(0, math.Min(1, x[i]))
	}
	return x
}

func inUnitCube(x []float64) bool {
	for _, v := range x {
		if v < 0 || v > 1 {
			return false
		}
	}
	return true
}

// cmaSolution is one evaluated member of a generation: its point in the
// unit cube and its loss.
type cmaSolution struct {
	x    []float64
	loss float64
}

// tell updates the distribution from one generation of exactly popsize
// solutions, as the library's CMA.tell does (eq. 41-47 with p. 28's h_sigma).
func (e *cmaES) tell(sols []cmaSolution) {
	sols = append([]cmaSolution(nil), sols...)
	sort.SliceStable(sols, func(i, j int) bool { return sols[i].loss < sols[j].loss })
	e.g++
	k := 2 * (e.g % e.funhistTerm)
	e.funhist[k], e.funhist[k+1] = sols[0].loss, sols[len(sols)-1].loss

	n := e.n
	// y_k = (x_k - m) / sigma ~ N(0, C)
	ys := make([]*mat.VecDense, len(sols))
	for i, s := range sols {
		y := make([]float64, n)
		for j := range y {
			y[j] = (s.x[j] - e.mean[j]) / e.sigma
		}
		ys[i] = mat.NewVecDense(n, y)
	}
	// Selection and recombination (eq. 41).
	yw := mat.NewVecDense(n, nil)
	for i := 0; i < e.mu; i++ {
		yw.AddScaledVec(yw, e.weights[i], ys[i])
	}
	for j := range e.mean {
		e.mean[j] += e.cm * e.sigma * yw.AtVec(j)
	}

	// Step-size control (eq. 43-44), with C^(-1/2) = b diag(1/d) bᵀ.
	bInvD := mat.NewDense(n, n, nil)
	bInvD.Apply(func(i, j int, v float64) float64 { return v / e.d[j] }, e.b)
	var cInvSqrt mat.Dense
	cInvSqrt.Mul(bInvD, e.b.T())
	var cy mat.VecDense
	cy.MulVec(&cInvSqrt, yw)
	a := math.Sqrt(e.cSigma * (2 - e.cSigma) * e.muEff)
	for j := range e.pSigma {
		e.pSigma[j] = (1-e.cSigma)*e.pSigma[j] + a*cy.AtVec(j)
	}
	normPS := floats.Norm(e.pSigma, 2)
	e.sigma *= math.Exp(e.cSigma / e.dSigma * (normPS/e.chiN - 1))
	e.sigma = math.Min(e.sigma, cmaSigmaMax)

	// h_sigma (p. 28); the library counts g+1 after its increment.
	left := normPS / math.Sqrt(1-math.Pow(1-e.cSigma, float64(2*(e.g+1))))
	right := (1.4 + 2/float64(n+1)) * e.chiN
	hSigma := 0.0
	if left < right {
		hSigma = 1
	}
	// Evolution path (eq. 45).
	a = hSigma * math.Sqrt(e.cc*(2-e.cc)*e.muEff)
	for j := range e.pc {
		e.pc[j] = (1-e.cc)*e.pc[j] + a*yw.AtVec(j)
	}

	// Covariance matrix adaptation (eq. 46-47).
	deltaH := (1 - hSigma) * e.cc * (2 - e.cc)
	scale := 1 + e.c1*deltaH - e.c1 - e.cmu*floats.Sum(e.weights)
	next := mat.NewSymDense(n, nil)
	next.ScaleSym(scale, e.c)
	next.SymRankOne(next, e.c1, mat.NewVecDense(n, append([]float64(nil), e.pc...)))
	for i, y := range ys {
		w := e.weights[i]
		if w < 0 {
			var t mat.VecDense
			t.MulVec(&cInvSqrt, y)
			w *= float64(n) / (cmaSquare(mat.Norm(&t, 2)) + cmaEps)
		}
		next.SymRankOne(next, e.cmu*w, y)
	}
	e.c = next
	e.decompose()
}

// shouldStop reports whether a stopping criterion of the library's
// CMA.should_stop fires: flat recent values (tolfun), a tiny distribution
// (tolx), divergence (tolxup), no effect of a coordinate or of a principal
// axis on the mean, or an ill-conditioned C.
func (e *cmaES) shouldStop() bool {
	dC := make([]float64, e.n)
	for i := range dC {
		dC[i] = e.c.At(i, i)
	}
	if e.g > e.funhistTerm && floats.Max(e.funhist)-floats.Min(e.funhist) < cmaTolFun {
		return true
	}
	tiny := true
	for i := range dC {
		if e.sigma*dC[i] >= e.tolX || e.sigma*e.pc[i] >= e.tolX {
			tiny = false
			break
		}
	}
	if tiny {
		return true
	}
	if e.sigma*floats.Max(e.d) > cmaTolXUp {
		return true
	}
	for i := range dC {
		if e.mean[i] == e.mean[i]+0.2*e.sigma*math.Sqrt(dC[i]) {
			return true
		}
	}
	axis := e.g % e.n
	same := true
	for j := range e.mean {
		if e.mean[j] != e.mean[j]+0.1*e.sigma*e.d[axis]*e.b.At(j, axis) {
			same = false
			break
		}
	}
	if same {
		return true
	}
	return floats.Max(e.d)/floats.Min(e.d) > cmaTolCond
}
