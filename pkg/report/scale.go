package report

import (
	"math"
	"sort"
	"strconv"
)

// axis maps values of one variable to positions: a numeric axis linearly
// (or by log10 when every value is positive and they span two decades or
// more), a categorical axis to evenly spaced slots.
type axis struct {
	name string
	// categorical axes
	cats  []string
	index map[string]int
	// numeric axes
	lo, hi float64
	log    bool
	// integer axes (epochs, counts) get no ticks between whole numbers
	integer bool
}

// numericAxis spans the finite values in vals; an empty or single-valued
// span is widened so every value lands inside.
func numericAxis(name string, vals []float64) *axis {
	a := &axis{name: name, integer: true}
	first := true
	allPos := true
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if v != math.Trunc(v) {
			a.integer = false
		}
		if first {
			a.lo, a.hi, first = v, v, false
		}
		a.lo, a.hi = math.Min(a.lo, v), math.Max(a.hi, v)
		if v <= 0 {
			allPos = false
		}
	}
	if first {
		a.lo, a.hi = 0, 1
		return a
	}
	if allPos && a.hi/a.lo >= 100 {
		a.log = true
		return a
	}
	if a.lo == a.hi {
		d := math.Abs(a.lo) / 10
		if d == 0 || math.IsInf(a.lo-d, 0) || math.IsInf(a.hi+d, 0) {
			d = 1
		}
		a.lo, a.hi = a.lo-d, a.hi+d
	}
	return a
}

// categoricalAxis has one slot per distinct value, in the order given.
func categoricalAxis(name string, vals []string) *axis {
	a := &axis{name: name, index: map[string]int{}}
	for _, v := range vals {
		if _, ok := a.index[v]; !ok {
			a.index[v] = len(a.cats)
			a.cats = append(a.cats, v)
		}
	}
	return a
}

// categorical reports whether the axis has slots rather than a scale.
func (a *axis) categorical() bool { return a.index != nil }

// frac returns where v falls on a numeric axis, 0 at lo and 1 at hi,
// clamped; NaN for a value it cannot place.
func (a *axis) frac(v float64) float64 {
	if math.IsNaN(v) {
		return math.NaN()
	}
	var f float64
	switch {
	case math.IsInf(v, 1):
		f = 1
	case math.IsInf(v, -1):
		f = 0
	case a.log && v <= 0:
		f = 0
	case a.log:
		f = (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
	default:
		// halves keep the span finite near MaxFloat64
		f = (v/2 - a.lo/2) / (a.hi/2 - a.lo/2)
	}
	if math.IsNaN(f) {
		return 0.5
	}
	return math.Max(0, math.Min(1, f))
}

// catFrac returns the slot position of category c in (0, 1), or NaN.
func (a *axis) catFrac(c string) float64 {
	i, ok := a.index[c]
	if !ok {
		return math.NaN()
	}
	return (float64(i) + 0.5) / float64(len(a.cats))
}

// ticks returns the tick values of a numeric axis: powers of ten on a log
// axis, else about n round numbers.
func (a *axis) ticks(n int) []float64 {
	if a.log {
		var out []float64
		// the nudges keep 1e-4, whose log is -3.9999999999999996, a tick
		for e := math.Ceil(math.Log10(a.lo) - 1e-9); e <= math.Floor(math.Log10(a.hi)+1e-9) && len(out) < 40; e++ {
			out = append(out, math.Pow(10, e))
		}
		if len(out) < 2 {
			return []float64{a.lo, a.hi}
		}
		return out
	}
	ticks := niceTicks(a.lo, a.hi, n)
	if !a.integer {
		return ticks
	}
	out := ticks[:0:0]
	for _, v := range ticks {
		if v == math.Trunc(v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return ticks
	}
	return out
}

// niceTicks returns round values (1, 2 or 5 times a power of ten apart)
// within [lo, hi]; just lo and hi when the span is not a finite number.
func niceTicks(lo, hi float64, n int) []float64 {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) || n < 1 {
		return []float64{lo, hi}
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * mag
		if step >= raw {
			break
		}
	}
	if step == 0 || math.IsInf(step, 0) {
		return []float64{lo, hi}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9 && len(out) <= 2*n+2; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return []float64{lo, hi}
	}
	return out
}

// fmtNum renders a value for a label: up to 4 significant digits.
func fmtNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// quartiles returns the 25th, 50th and 75th percentiles of sorted values.
func quartiles(vals []float64) (q1, med, q3 float64) {
	s := append([]float64(nil), vals...)
	sort.Float64s(s)
	at := func(p float64) float64 {
		if len(s) == 1 {
			return s[0]
		}
		x := p * float64(len(s)-1)
		i := int(x)
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (s[i+1]-s[i])*(x-float64(i))
	}
	return at(0.25), at(0.5), at(0.75)
}
