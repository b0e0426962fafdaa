package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tinyData returns n samples of dim features (half of them zero, like pixels)
// whose class is the index of the largest of the first `classes` features.
func tinyData(n, dim, classes int, seed uint64) *Dataset[float64] {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := make([]float64, n*dim)
	labels := make([]uint8, n)
	for i := range n {
		row := x[i*dim : (i+1)*dim]
		for j := range row {
			if rng.IntN(2) == 0 || j < classes {
				row[j] = rng.Float64()
			}
		}
		best := 0
		for j := 1; j < classes; j++ {
			if row[j] > row[best] {
				best = j
			}
		}
		labels[i] = uint8(best)
	}
	return NewDataset(dim, x, labels)
}

// sampleLoss is the loss of sample i without dropout.
func sampleLoss(m *MLP[float64], ds *Dataset[float64], i int) float64 {
	m.forward(ds, i, false)
	return CrossEntropy(m.o, int(ds.Labels[i]), nil)
}

// TestGradientFiniteDifferences checks the backpropagated gradient of every
// weight and bias against central differences, for each output activation.
func TestGradientFiniteDifferences(t *testing.T) {
	ds := tinyData(4, 9, 4, 1)
	for ai := range ActivationNames() {
		a := Activation(ai)
		t.Run(a.String(), func(t *testing.T) {
			m, err := New[float64](Config{Inputs: 9, Hidden: 6, Classes: 4, Output: a, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			if a != Softmax && a != Sigmoid {
				// keep the outputs positive so the loss is smooth: a bias
				// that makes every output well inside (0, 1) after scaling.
				for k := range m.l[2].b {
					m.l[2].b[k] = 2
				}
			}
			for i := range ds.Len() {
				checked := 0
				m.step(ds, i)
				for li := range m.l {
					l := &m.l[li]
					for _, p := range []struct{ v, g []float64 }{{l.w, l.gw}, {l.b, l.gb}} {
						for k := range p.v {
							orig := p.v[k]
							const h = 1e-6
							p.v[k] = orig + h
							lp := sampleLoss(m, ds, i)
							p.v[k] = orig - h
							lm := sampleLoss(m, ds, i)
							p.v[k] = orig
							num := (lp - lm) / (2 * h)
							if math.IsNaN(num) {
								continue
							}
							if math.Abs(num-p.g[k]) > 1e-5*(1+math.Abs(num)) {
								t.Fatalf("sample %d layer %d param %d: analytic %g, numeric %g", i, li, k, p.g[k], num)
							}
							p.g[k] = 0
							checked++
						}
					}
				}
				if checked < 50 {
					t.Fatalf("sample %d: only %d parameters checked", i, checked)
				}
			}
		})
	}
}

func TestTrainingLearns(t *testing.T) {
	train, test := tinyData(2000, 20, 4, 1), tinyData(500, 20, 4, 2)
	m, err := New[float32](Config{Inputs: 20, Hidden: 32, Classes: 4, Output: Softmax, Dropout: 0.1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	train32, test32 := to32(train), to32(test)
	loss0, acc0 := m.Evaluate(test32)
	var loss, acc float64
	for range 15 {
		m.TrainEpoch(train32, 32)
	}
	loss, acc = m.Evaluate(test32)
	t.Logf("before: loss %.3f acc %.3f; after: loss %.3f acc %.3f", loss0, acc0, loss, acc)
	if acc < 0.85 || loss > loss0/2 {
		t.Errorf("after training: loss %.3f (from %.3f), accuracy %.3f; want accuracy >= 0.85 and loss halved", loss, loss0, acc)
	}
}

func TestTrainingIsDeterministic(t *testing.T) {
	ds := to32(tinyData(300, 20, 4, 1))
	run := func() []float32 {
		m, _ := New[float32](Config{Inputs: 20, Hidden: 8, Classes: 4, Output: Softmax, Dropout: 0.5, Seed: 42})
		m.TrainEpoch(ds, 16)
		return m.Predict(ds, 0)
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different outputs: %v vs %v", a, b)
		}
	}
}

func TestDropoutOnlyInsideZeroOne(t *testing.T) {
	for _, rate := range []float64{0, 1, 1.5, -0.1} {
		m, _ := New[float32](Config{Inputs: 2, Hidden: 100, Classes: 2, Dropout: rate})
		d := make([]float32, 100)
		m.dropMask(d, true)
		for _, v := range d {
			if v != 1 {
				t.Fatalf("rate %v: mask has %v, want all 1 (Keras skips dropout outside (0,1))", rate, v)
			}
		}
	}
	m, _ := New[float32](Config{Inputs: 2, Hidden: 10000, Classes: 2, Dropout: 0.8})
	d := make([]float32, 10000)
	m.dropMask(d, true)
	kept := 0
	for _, v := range d {
		if v != 0 {
			kept++
			if math.Abs(float64(v)-5) > 1e-5 {
				t.Fatalf("kept unit scaled by %v, want 5", v)
			}
		}
	}
	if kept < 1800 || kept > 2200 {
		t.Errorf("rate 0.8 kept %d of 10000", kept)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, c := range []Config{{Inputs: 0, Hidden: 1, Classes: 1}, {Inputs: 1, Hidden: 1, Classes: 1, Output: 99}} {
		if _, err := New[float32](c); err == nil {
			t.Errorf("New(%+v): no error", c)
		}
	}
}

func to32(d *Dataset[float64]) *Dataset[float32] {
	out := &Dataset[float32]{Dim: d.Dim, Labels: d.Labels, start: d.start, idx: d.idx, val: make([]float32, len(d.val))}
	for i, v := range d.val {
		out.val[i] = float32(v)
	}
	return out
}
