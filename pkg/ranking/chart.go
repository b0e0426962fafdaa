package ranking

import (
	"math"
	"strings"
)

// ChartWidth is the width of a bar at the maximum, in terminal cells.
const ChartWidth = 20

// eighths are the partial blocks of 1/8 to 7/8 of a cell.
var eighths = []string{"▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// Bar draws v as a bar of at most width cells, scaled between lo and hi:
// lo gets one eighth of a cell (so every value shows), hi the whole width,
// +Inf the whole width and -Inf one eighth. When lo == hi every value gets
// the whole width. NaN, or a width below 1, gives "".
func Bar(v, lo, hi float64, width int) string {
	if width < 1 || math.IsNaN(v) {
		return ""
	}
	f := 1.0
	if hi > lo || math.IsInf(v, 0) {
		f = Frac(v, lo, hi)
	}
	if math.IsNaN(f) { // a span of subnormals halves to 0/0
		f = 1
	}
	total := width * 8
	n := 1 + int(math.Round(f*float64(total-1)))
	var b strings.Builder
	b.WriteString(strings.Repeat("█", n/8))
	if r := n % 8; r > 0 {
		b.WriteString(eighths[r-1])
	}
	return b.String()
}

// Frac returns where v falls between lo and hi, 0 at lo and 1 at hi,
// clamped to [0, 1]: +Inf is 1 and -Inf 0 whatever the span; NaN when v
// is NaN or the span gives 0/0. Bar and the report's axes place values
// with it.
func Frac(v, lo, hi float64) float64 {
	var f float64
	switch {
	case math.IsNaN(v):
		return v
	case math.IsInf(v, 1):
		f = 1
	case math.IsInf(v, -1):
		f = 0
	default:
		// halves keep hi-lo finite when the span is near MaxFloat64
		f = (v/2 - lo/2) / (hi/2 - lo/2)
	}
	if math.IsNaN(f) {
		return f
	}
	return math.Max(0, math.Min(1, f))
}

// chartSpan returns the scale of the bars: from zero (or the smallest
// value, when one is negative) to the largest value (or zero, when all are
// negative), so a bar's length is proportional to its value and 0.81 beside
// 0.92 looks like 0.81. ok is false when no trial has a finite value.
func (t *Table) chartSpan() (lo, hi float64, ok bool) {
	lo, hi, ok = t.span()
	return math.Min(lo, 0), math.Max(hi, 0), ok
}

// ChartScale returns the header of the bar column: the values of an empty
// and of a full bar, e.g. "0 … 0.9812"; "" when nothing is drawn.
func (t *Table) ChartScale() string {
	lo, hi, ok := t.chartSpan()
	if !ok {
		return ""
	}
	return FormatValue(lo) + " … " + FormatValue(hi)
}

// span returns the smallest and largest finite value of the ranking metric.
func (t *Table) span() (lo, hi float64, ok bool) {
	for i := range t.Rows {
		r := &t.Rows[i]
		if !r.HasValue || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			continue
		}
		if !ok {
			lo, hi, ok = r.Value, r.Value, true
			continue
		}
		lo, hi = math.Min(lo, r.Value), math.Max(hi, r.Value)
	}
	return lo, hi, ok
}
