// Package nn is a small multilayer perceptron in the shape of the Keras model
// of the seed's train.py: Dense(relu) -> Dropout -> Dense(relu) -> Dropout ->
// Dense(output activation), categorical cross-entropy, RMSprop.
//
// It is written with plain loops over contiguous rows and is generic over the
// float type: the trainer uses float32 like Keras, the gradient tests float64.
package nn

import (
	"fmt"
	"math"
	"strings"
)

// Float is the element type of the network.
type Float interface{ ~float32 | ~float64 }

// Activation is a Keras activation function usable as the output layer's.
type Activation int

// The activations of the seed's experiment grid.
const (
	Softmax Activation = iota
	ReLU
	Tanh
	Linear
	SELU
	ELU
	Sigmoid
	Softsign
)

var activationNames = [...]string{"softmax", "relu", "tanh", "linear", "selu", "elu", "sigmoid", "softsign"}

// SELU constants, as in Keras.
const (
	seluAlpha = 1.6732632423543772848170429916717
	seluScale = 1.0507009873554804934193349852946
)

// String returns the Keras name of a.
func (a Activation) String() string {
	if a < 0 || int(a) >= len(activationNames) {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ActivationNames lists the supported activation names.
func ActivationNames() []string { return append([]string(nil), activationNames[:]...) }

// ParseActivation returns the activation with the Keras name s.
func ParseActivation(s string) (Activation, error) {
	for i, n := range activationNames {
		if s == n {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation function: %s (want one of %s)", s, strings.Join(activationNames[:], ", "))
}

// Apply sets out[i] = a(z)[i]. out and z must have the same length.
func Apply[T Float](a Activation, z, out []T) {
	out = out[:len(z)]
	switch a {
	case Softmax:
		m := T(math.Inf(-1))
		for _, v := range z {
			if v > m {
				m = v
			}
		}
		var s T
		for i, v := range z {
			e := T(math.Exp(float64(v - m)))
			out[i] = e
			s += e
		}
		for i := range out {
			out[i] /= s
		}
	case ReLU:
		for i, v := range z {
			out[i] = max(v, 0)
		}
	case Tanh:
		for i, v := range z {
			out[i] = T(math.Tanh(float64(v)))
		}
	case Linear:
		copy(out, z)
	case SELU:
		for i, v := range z {
			if v > 0 {
				out[i] = T(seluScale * float64(v))
			} else {
				out[i] = T(seluScale * seluAlpha * math.Expm1(float64(v)))
			}
		}
	case ELU:
		for i, v := range z {
			if v > 0 {
				out[i] = v
			} else {
				out[i] = T(math.Expm1(float64(v)))
			}
		}
	case Sigmoid:
		for i, v := range z {
			out[i] = T(1 / (1 + math.Exp(-float64(v))))
		}
	case Softsign:
		for i, v := range z {
			out[i] = v / (1 + T(math.Abs(float64(v))))
		}
	default:
		panic("nn: unknown activation " + a.String())
	}
}

// Backward sets gz = dL/dz from gout = dL/dout, where out = a(z) was computed
// by Apply. For softmax it applies the full Jacobian.
func Backward[T Float](a Activation, z, out, gout, gz []T) {
	n := len(z)
	out, gout, gz = out[:n], gout[:n], gz[:n]
	switch a {
	case Softmax:
		var dot T
		for i, g := range gout {
			dot += g * out[i]
		}
		for i, g := range gout {
			gz[i] = out[i] * (g - dot)
		}
	case ReLU:
		for i, v := range z {
			if v > 0 {
				gz[i] = gout[i]
			} else {
				gz[i] = 0
			}
		}
	case Tanh:
		for i, o := range out {
			gz[i] = gout[i] * (1 - o*o)
		}
	case Linear:
		copy(gz, gout)
	case SELU:
		for i, v := range z {
			if v > 0 {
				gz[i] = gout[i] * seluScale
			} else {
				gz[i] = gout[i] * (out[i] + seluScale*seluAlpha)
			}
		}
	case ELU:
		for i, v := range z {
			if v > 0 {
				gz[i] = gout[i]
			} else {
				gz[i] = gout[i] * (out[i] + 1)
			}
		}
	case Sigmoid:
		for i, o := range out {
			gz[i] = gout[i] * o * (1 - o)
		}
	case Softsign:
		for i, v := range z {
			d := 1 + T(math.Abs(float64(v)))
			gz[i] = gout[i] / (d * d)
		}
	default:
		panic("nn: unknown activation " + a.String())
	}
}
