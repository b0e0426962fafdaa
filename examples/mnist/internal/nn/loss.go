package nn

import "math"

// Epsilon is Keras' fuzz factor: predicted probabilities are clipped to
// [Epsilon, 1-Epsilon] before the logarithm.
const Epsilon = 1e-7

// CrossEntropy returns Keras' categorical cross-entropy of the output out for
// the true class c, and when grad is not nil writes dL/dout into it.
//
// Like keras.backend.categorical_crossentropy (from_logits=False) it first
// scales out to sum to 1, then clips to [Epsilon, 1-Epsilon], then takes
// -log(p[c]). That is harmless for softmax and sigmoid outputs; for outputs
// that are not probabilities (relu, linear, tanh, ...) the sum can be zero or
// negative, and the loss is then NaN or meaningless, as in Keras. Where the
// clip is active the gradient is zero, as tf.clip_by_value's is; a NaN passes
// through.
func CrossEntropy[T Float](out []T, c int, grad []T) T {
	var s T
	for _, v := range out {
		s += v
	}
	oc := out[c]
	q := oc / s
	lo, hi := T(Epsilon), 1-T(Epsilon)
	clipped := q < lo || q > hi
	p := q
	if q < lo {
		p = lo
	} else if q > hi {
		p = hi
	}
	loss := T(-math.Log(float64(p)))
	if grad == nil {
		return loss
	}
	grad = grad[:len(out)]
	if clipped {
		for i := range grad {
			grad[i] = 0
		}
		return loss
	}
	// d(-log(o_c/S))/do_k = 1/S - [k==c]/o_c
	inv := 1 / s
	for i := range grad {
		grad[i] = inv
	}
	grad[c] -= 1 / oc
	return loss
}

// Argmax returns the index of the largest element of v; NaNs never win, so an
// all-NaN vector gives 0 (as tf.argmax does in practice).
func Argmax[T Float](v []T) int {
	best := 0
	for i := 1; i < len(v); i++ {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}
