package report

import (
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// axis maps values of one variable to positions: a numeric axis linearly
// or by log10 (see logScale), a categorical axis to evenly spaced slots.
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
	// values, when set, are the ticks: the few values a parameter takes
	values []float64
}

// maxValueTicks is how many distinct values a parameter may take and still
// be ticked at each of them (32, 64, 128 rather than 40, 60, ... 120).
const maxValueTicks = 8

// numericAxis is the linear axis spanning the finite values in vals; an
// empty or single-valued span is widened so every value lands inside.
func numericAxis(name string, vals []float64) *axis {
	a := &axis{name: name, integer: true}
	first := true
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
	}
	if first {
		a.lo, a.hi = 0, 1
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

// logScale is the one decision whether a parameter's axis is logarithmic,
// shared by the parallel coordinates and the by-parameter panels. It needs
// two or more distinct values, all positive; then it is yes when the
// experiment samples the parameter on a log scale (declared), or when the
// values span a decade or more and sit more evenly on a log scale than on
// a linear one (their median nearer the middle of the axis), as a
// log-uniform sample or a grid of powers of ten does and a uniform sample
// over [0.01, 1] does not.
func logScale(vals []float64, declared bool) bool {
	d := distinct(vals)
	if len(d) < 2 || d[0] <= 0 {
		return false
	}
	lo, hi := d[0], d[len(d)-1]
	if declared {
		return true
	}
	if hi/lo < 10 {
		return false
	}
	med := d[len(d)/2]
	if len(d)%2 == 0 {
		med = d[len(d)/2-1]/2 + med/2
	}
	lin := (med/2 - lo/2) / (hi/2 - lo/2)
	lg := math.Log(med/lo) / math.Log(hi/lo)
	return math.Abs(lg-0.5) < math.Abs(lin-0.5)
}

// distinct returns the finite values of vals, sorted, each once.
func distinct(vals []float64) []float64 {
	out := make([]float64, 0, len(vals))
	for _, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	sort.Float64s(out)
	return slices.Compact(out)
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
	case a.log && v <= 0:
		f = 0
	case a.log && !math.IsInf(v, 0):
		f = ranking.Frac(math.Log10(v), math.Log10(a.lo), math.Log10(a.hi))
	default:
		f = ranking.Frac(v, a.lo, a.hi)
	}
	if math.IsNaN(f) {
		return 0.5
	}
	return f
}

// catFrac returns the slot position of category c in (0, 1), or NaN.
func (a *axis) catFrac(c string) float64 {
	i, ok := a.index[c]
	if !ok {
		return math.NaN()
	}
	return (float64(i) + 0.5) / float64(len(a.cats))
}

// ticks returns the tick values of a numeric axis: the parameter's values
// when it takes few, else powers of ten on a log axis and about n round
// numbers on a linear one.
func (a *axis) ticks(n int) []float64 {
	if len(a.values) > 0 {
		return a.values
	}
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

// apart keeps the ticks whose labels do not overlap: each at least
// gap(previous, it) from the tick kept before it along the axis (pos), the
// first and the last always.
func apart(ticks []float64, pos func(float64) float64, gap func(a, b float64) float64) []float64 {
	if len(ticks) < 3 {
		return ticks
	}
	far := func(a, b float64) bool { return math.Abs(pos(b)-pos(a)) >= gap(a, b) }
	out := []float64{ticks[0]}
	for _, v := range ticks[1 : len(ticks)-1] {
		if far(out[len(out)-1], v) {
			out = append(out, v)
		}
	}
	last := ticks[len(ticks)-1]
	for len(out) > 1 && !far(out[len(out)-1], last) {
		out = out[:len(out)-1]
	}
	return append(out, last)
}

// rowGap is the least vertical distance between two tick labels.
func rowGap(_, _ float64) float64 { return 13 }

// columnGap is the least horizontal distance between the middles of two
// tick labels side by side: half of each one's width and a space.
func columnGap(a, b float64) float64 {
	return 3.3*float64(len(fmtNum(a))+len(fmtNum(b))) + 6
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

// fmtNum renders a value for a label: up to 4 significant digits, and
// NaN, +Inf and -Inf as the tables print them.
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ranking.FormatExact(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// fmtApart renders two different values with as few significant digits
// (4 or more) as keep them apart: 0.97512 and 0.97514 are not both 0.9751.
func fmtApart(a, b float64) (string, string) {
	sa, sb := fmtNum(a), fmtNum(b)
	for p := 5; sa == sb && a != b && p <= 17; p++ {
		sa, sb = strconv.FormatFloat(a, 'g', p, 64), strconv.FormatFloat(b, 'g', p, 64)
	}
	return sa, sb
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
