package nn

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// syntheticMNIST returns n fake 28x28 images with ~20% non-zero pixels, about
// MNIST's density, for benchmarks that must not depend on the data files.
func syntheticMNIST(n int, seed uint64) *Dataset[float32] {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*784)
	labels := make([]uint8, n)
	for i := range n {
		labels[i] = uint8(rng.IntN(10))
		for j := range 784 {
			if rng.Float64() < 0.19 {
				x[i*784+j] = rng.Float32()
			}
		}
	}
	return NewDataset(784, x, labels)
}

// BenchmarkEpoch measures one training epoch of the demo-sized network
// (6000 samples, hidden 64, batch 128) plus its validation on 2000 samples.
func BenchmarkEpoch(b *testing.B) {
	for _, h := range []int{64, 128} {
		b.Run("hidden="+strconv.Itoa(h), func(b *testing.B) {
			train, test := syntheticMNIST(6000, 1), syntheticMNIST(2000, 2)
			m, err := New[float32](Config{Inputs: 784, Hidden: h, Classes: 10, Output: Softmax, Dropout: 0.2, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				m.TrainEpoch(train, 128)
				m.Evaluate(test)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/8000, "ns/sample")
		})
	}
}
