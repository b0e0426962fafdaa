package trial

import (
	"fmt"
	"math"
	"math/big"

	"k8s.io/apimachinery/pkg/api/resource"
)

// cleanUnits is how many whole units a scaled quantity keeps at least: it
// is rounded up to a whole number of the largest unit that it holds 16
// times (48Mi x 1.5 = 72Mi, 6.6Gi -> 6759Mi, 1.1Ti -> 1127Gi).
const cleanUnits = 16

// ScaleMemory returns q times factor rounded up to a clean quantity in q's
// own family of units: 32Mi x 2 = 64Mi, 6Gi x 2 = 12Gi, 100M x 2 = 200M,
// 1.5Gi x 2 = 3Gi. The result is never below the exact product and never
// a fractional number of bytes. factor must be greater than 0.
func ScaleMemory(q resource.Quantity, factor float64) (resource.Quantity, error) {
	if !(factor > 0) || math.IsInf(factor, 0) {
		return resource.Quantity{}, fmt.Errorf("factor must be a positive number, got %v", factor)
	}
	f := new(big.Rat)
	if f.SetFloat64(factor) == nil {
		return resource.Quantity{}, fmt.Errorf("factor must be a positive number, got %v", factor)
	}
	// Value rounds a fractional byte count up; memory is whole bytes.
	exact := new(big.Rat).Mul(new(big.Rat).SetInt64(q.Value()), f)
	binary := isBinary(q)
	grain := int64(1)
	for _, u := range units(binary) {
		if exact.Cmp(new(big.Rat).SetInt64(cleanUnits*u)) >= 0 {
			grain = u
		}
	}
	// ceil(exact / grain) * grain
	n := new(big.Rat).Quo(exact, new(big.Rat).SetInt64(grain))
	ceil := new(big.Int).Quo(n.Num(), n.Denom())
	if new(big.Rat).SetInt(ceil).Cmp(n) < 0 {
		ceil.Add(ceil, big.NewInt(1))
	}
	ceil.Mul(ceil, big.NewInt(grain))
	if !ceil.IsInt64() || ceil.Sign() <= 0 {
		return resource.Quantity{}, fmt.Errorf("%s x %v is out of range", q.String(), factor)
	}
	format := resource.DecimalSI
	if binary {
		format = resource.BinarySI
	}
	return *resource.NewQuantity(ceil.Int64(), format), nil
}

// isBinary reports whether q reads in binary units: written with Ki, Mi,
// ..., or a plain byte count that is a multiple of 1024 and not of 1000.
func isBinary(q resource.Quantity) bool {
	if q.Format == resource.BinarySI {
		return true
	}
	v := q.Value()
	return v > 0 && v%1024 == 0 && v%1000 != 0
}

func units(binary bool) []int64 {
	if binary {
		return []int64{1 << 10, 1 << 20, 1 << 30, 1 << 40, 1 << 50}
	}
	return []int64{1e3, 1e6, 1e9, 1e12, 1e15}
}
