package nn

import (
	"errors"
	"math"
	"math/rand/v2"
)

// RMSprop constants of Keras 2.0.8 (the seed pins keras==2.0.8).
const (
	DefaultLearningRate = 0.001
	rmsRho              = 0.9
	rmsEpsilon          = 1e-8
)

// Config describes the network and its training.
type Config struct {
	Inputs       int        // input features (784 for MNIST)
	Hidden       int        // units in each of the two hidden layers
	Classes      int        // output units
	Output       Activation // output layer activation
	Dropout      float64    // dropout rate after each hidden layer; applied only when 0 < rate < 1, as in Keras
	LearningRate float64    // RMSprop learning rate; 0 means DefaultLearningRate
	Seed         uint64     // seeds weight init, shuffling and dropout
}

// layer is a dense layer: w is In rows of Out weights, b has Out entries;
// gw/gb accumulate a batch's gradient, aw/ab hold RMSprop's mean squares.
type layer[T Float] struct {
	in, out      int
	w, b, gw, gb []T
	aw, ab       []T
}

func newLayer[T Float](in, out int, rng *rand.Rand) layer[T] {
	l := layer[T]{in: in, out: out}
	l.w, l.gw, l.aw = make([]T, in*out), make([]T, in*out), make([]T, in*out)
	l.b, l.gb, l.ab = make([]T, out), make([]T, out), make([]T, out)
	limit := math.Sqrt(6 / float64(in+out)) // glorot_uniform
	for i := range l.w {
		l.w[i] = T((2*rng.Float64() - 1) * limit)
	}
	return l
}

func (l *layer[T]) row(j int) []T  { return l.w[j*l.out : (j+1)*l.out] }
func (l *layer[T]) grow(j int) []T { return l.gw[j*l.out : (j+1)*l.out] }

// MLP is the seed's model: Dense(relu), Dropout, Dense(relu), Dropout, Dense(output).
type MLP[T Float] struct {
	cfg  Config
	l    [3]layer[T]
	rng  *rand.Rand
	keep uint64 // a unit is kept when rng.Uint64()>>11 >= keep (rate scaled to 2^53)
	drop bool
	// per-sample scratch
	z1, a1, d1, z2, a2, d2, z3, o []T
	gout, gz3, ga2, gz2, ga1, gz1 []T
	order                         []int
}

// New returns a network with Keras' initialisation (glorot_uniform kernels,
// zero biases) drawn from cfg.Seed.
func New[T Float](cfg Config) (*MLP[T], error) {
	if cfg.Inputs <= 0 || cfg.Hidden <= 0 || cfg.Classes <= 0 {
		return nil, errors.New("inputs, hidden and classes must be positive")
	}
	if cfg.Inputs > MaxInputs {
		return nil, errors.New("too many inputs")
	}
	if cfg.Output < 0 || int(cfg.Output) >= len(activationNames) {
		return nil, errors.New("unknown output activation")
	}
	if cfg.LearningRate == 0 {
		cfg.LearningRate = DefaultLearningRate
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6d6c657870)) // "mlexp"
	m := &MLP[T]{cfg: cfg, rng: rng}
	m.l[0] = newLayer[T](cfg.Inputs, cfg.Hidden, rng)
	m.l[1] = newLayer[T](cfg.Hidden, cfg.Hidden, rng)
	m.l[2] = newLayer[T](cfg.Hidden, cfg.Classes, rng)
	m.drop = cfg.Dropout > 0 && cfg.Dropout < 1
	m.keep = uint64(cfg.Dropout * (1 << 53))
	h, c := cfg.Hidden, cfg.Classes
	m.z1, m.a1, m.d1, m.z2, m.a2, m.d2 = make([]T, h), make([]T, h), make([]T, h), make([]T, h), make([]T, h), make([]T, h)
	m.ga2, m.gz2, m.ga1, m.gz1 = make([]T, h), make([]T, h), make([]T, h), make([]T, h)
	m.z3, m.o, m.gout, m.gz3 = make([]T, c), make([]T, c), make([]T, c), make([]T, c)
	return m, nil
}

// Config returns the network's configuration.
func (m *MLP[T]) Config() Config { return m.cfg }

// Params returns the number of weights and biases.
func (m *MLP[T]) Params() int {
	n := 0
	for i := range m.l {
		n += len(m.l[i].w) + len(m.l[i].b)
	}
	return n
}

// dropMask fills d with 0 (dropped) or 1/(1-rate) (kept), Keras' inverted dropout.
func (m *MLP[T]) dropMask(d []T, train bool) {
	if !train || !m.drop {
		for i := range d {
			d[i] = 1
		}
		return
	}
	scale := T(1 / (1 - m.cfg.Dropout))
	for i := range d {
		if m.rng.Uint64()>>11 >= m.keep {
			d[i] = scale
		} else {
			d[i] = 0
		}
	}
}

// dense sets z = b + a*W, skipping the zero inputs.
func dense[T Float](l *layer[T], a, z []T) {
	copy(z, l.b)
	pend := -1 // a non-zero input waiting for a partner, to use axpy2
	for j, v := range a {
		if v == 0 {
			continue
		}
		if pend < 0 {
			pend = j
			continue
		}
		axpy2(a[pend], l.row(pend), v, l.row(j), z)
		pend = -1
	}
	if pend >= 0 {
		axpy(a[pend], l.row(pend), z)
	}
}

// reluDrop sets a = relu(z)*d.
func reluDrop[T Float](z, d, a []T) {
	d, a = d[:len(z)], a[:len(z)]
	for i, v := range z {
		a[i] = max(v, 0) * d[i]
	}
}

// forward computes the output for sample i of ds into m.o.
func (m *MLP[T]) forward(ds *Dataset[T], i int, train bool) {
	idx, val := ds.sample(i)
	l0 := &m.l[0]
	copy(m.z1, l0.b)
	k := 0
	for ; k+2 <= len(idx); k += 2 {
		axpy2(val[k], l0.row(int(idx[k])), val[k+1], l0.row(int(idx[k+1])), m.z1)
	}
	if k < len(idx) {
		axpy(val[k], l0.row(int(idx[k])), m.z1)
	}
	m.dropMask(m.d1, train)
	reluDrop(m.z1, m.d1, m.a1)
	dense(&m.l[1], m.a1, m.z2)
	m.dropMask(m.d2, train)
	reluDrop(m.z2, m.d2, m.a2)
	dense(&m.l[2], m.a2, m.z3)
	Apply(m.cfg.Output, m.z3, m.o)
}

// backHidden propagates gz (the gradient at layer l's output) into l's
// gradient accumulators and, when ga is not nil, writes the gradient at the
// pre-dropout input of the layer whose post-dropout output is a into gzPrev.
func backHidden[T Float](l *layer[T], a, d, gz, ga, gzPrev []T) {
	for k, g := range gz {
		l.gb[k] += g
	}
	for j, v := range a {
		if v == 0 { // relu'(z)=0 or dropped: no gradient flows either way
			if gzPrev != nil {
				gzPrev[j] = 0
			}
			continue
		}
		axpy(v, gz, l.grow(j))
		if gzPrev != nil {
			gzPrev[j] = dot(l.row(j), gz) * d[j]
		}
	}
}

// step runs forward and backward for sample i, accumulating gradients, and
// returns the sample's loss and whether its prediction was right.
func (m *MLP[T]) step(ds *Dataset[T], i int) (T, bool) {
	m.forward(ds, i, true)
	c := int(ds.Labels[i])
	loss := CrossEntropy(m.o, c, m.gout)
	Backward(m.cfg.Output, m.z3, m.o, m.gout, m.gz3)
	backHidden(&m.l[2], m.a2, m.d2, m.gz3, m.ga2, m.gz2)
	backHidden(&m.l[1], m.a1, m.d1, m.gz2, m.ga1, m.gz1)
	l0 := &m.l[0]
	for k, g := range m.gz1 {
		l0.gb[k] += g
	}
	idx, val := ds.sample(i)
	for k, j := range idx {
		axpy(val[k], m.gz1, l0.grow(int(j)))
	}
	return loss, Argmax(m.o) == c
}

// update applies one RMSprop step with the accumulated gradient divided by n,
// then clears the accumulators.
func (m *MLP[T]) update(n int) {
	inv := 1 / T(n)
	lr := T(m.cfg.LearningRate)
	for li := range m.l {
		l := &m.l[li]
		rmsprop(l.w, l.gw, l.aw, inv, lr)
		rmsprop(l.b, l.gb, l.ab, inv, lr)
	}
}

func rmsprop[T Float](p, g, a []T, inv, lr T) {
	g, a = g[:len(p)], a[:len(p)]
	for i := range p {
		gi := g[i] * inv
		ai := rmsRho*a[i] + (1-rmsRho)*gi*gi
		a[i] = ai
		p[i] -= lr * gi / (T(math.Sqrt(float64(ai))) + rmsEpsilon)
		g[i] = 0
	}
}

// TrainEpoch runs one epoch of minibatch RMSprop over ds in a fresh random
// order (Keras' shuffle=True). It returns the mean training loss and accuracy
// (with dropout active, as Keras reports them) and the number of batches.
func (m *MLP[T]) TrainEpoch(ds *Dataset[T], batch int) (loss, acc float64, batches int) {
	n := ds.Len()
	if cap(m.order) < n {
		m.order = make([]int, n)
	}
	m.order = m.order[:n]
	for i := range m.order {
		m.order[i] = i
	}
	m.rng.Shuffle(n, func(i, j int) { m.order[i], m.order[j] = m.order[j], m.order[i] })
	correct := 0
	for s := 0; s < n; s += batch {
		e := min(s+batch, n)
		for _, i := range m.order[s:e] {
			l, ok := m.step(ds, i)
			loss += float64(l)
			if ok {
				correct++
			}
		}
		m.update(e - s)
		batches++
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	return loss / float64(n), float64(correct) / float64(n), batches
}

// Evaluate returns the mean loss and the accuracy on ds, without dropout.
func (m *MLP[T]) Evaluate(ds *Dataset[T]) (loss, acc float64) {
	n := ds.Len()
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	correct := 0
	for i := range n {
		m.forward(ds, i, false)
		c := int(ds.Labels[i])
		loss += float64(CrossEntropy(m.o, c, nil))
		if Argmax(m.o) == c {
			correct++
		}
	}
	return loss / float64(n), float64(correct) / float64(n)
}

// Predict returns the output of the network (without dropout) for sample i of ds.
func (m *MLP[T]) Predict(ds *Dataset[T], i int) []T {
	m.forward(ds, i, false)
	return append([]T(nil), m.o...)
}
