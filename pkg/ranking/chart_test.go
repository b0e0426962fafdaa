package ranking

import (
	"math"
	"testing"
	"unicode/utf8"
)

func TestBar(t *testing.T) {
	cases := map[string]struct {
		v, lo, hi float64
		width     int
		want      string
	}{
		"max is the full width":   {v: 1, lo: 0, hi: 1, width: 4, want: "████"},
		"min is one eighth":       {v: 0, lo: 0, hi: 1, width: 4, want: "▏"},
		"half, rounded up":        {v: 0.5, lo: 0, hi: 1, width: 4, want: "██▏"},
		"three quarters, partial": {v: 0.75, lo: 0, hi: 1, width: 2, want: "█▌"},
		"equal values are full":   {v: 3, lo: 3, hi: 3, width: 3, want: "███"},
		"below lo clamps":         {v: -5, lo: 0, hi: 1, width: 4, want: "▏"},
		"above hi clamps":         {v: 9, lo: 0, hi: 1, width: 4, want: "████"},
		"+Inf is full":            {v: math.Inf(1), lo: 0, hi: 1, width: 2, want: "██"},
		"-Inf is one eighth":      {v: math.Inf(-1), lo: 0, hi: 1, width: 2, want: "▏"},
		"NaN is empty":            {v: math.NaN(), lo: 0, hi: 1, width: 4, want: ""},
		"zero width is empty":     {v: 1, lo: 0, hi: 1, width: 0, want: ""},
		"huge span":               {v: math.MaxFloat64, lo: -math.MaxFloat64, hi: math.MaxFloat64, width: 2, want: "██"},
		"subnormal span":          {v: 5e-324, lo: 0, hi: 5e-324, width: 1, want: "█"},
		"accuracies":              {v: 0.9712, lo: 0.9012, hi: 0.9812, width: 20, want: "█████████████████▌"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Bar(tc.v, tc.lo, tc.hi, tc.width); got != tc.want {
				t.Errorf("Bar(%v, %v, %v, %d) = %q, want %q", tc.v, tc.lo, tc.hi, tc.width, got, tc.want)
			}
		})
	}
}

// FuzzBar checks that a bar never exceeds its width, is never empty for a
// number, and grows with the value.
func FuzzBar(f *testing.F) {
	f.Add(0.5, 0.0, 1.0, 20)
	f.Add(math.Inf(1), 1.0, 1.0, 3)
	f.Add(1e308, -1e308, 1e308, 7)
	f.Fuzz(func(t *testing.T, v, lo, hi float64, width int) {
		width %= 200
		got := Bar(v, lo, hi, width)
		if n := utf8.RuneCountInString(got); n > max(width, 0) {
			t.Fatalf("Bar(%v, %v, %v, %d) = %q: %d cells", v, lo, hi, width, got, n)
		}
		if width > 0 && !math.IsNaN(v) && got == "" {
			t.Fatalf("Bar(%v, %v, %v, %d) is empty", v, lo, hi, width)
		}
		if width > 0 && !math.IsNaN(v) && lo < hi {
			if v2 := math.Nextafter(v, math.Inf(1)); eighthsOf(Bar(v2, lo, hi, width)) < eighthsOf(got) {
				t.Fatalf("Bar shrinks from %v to %v", v, v2)
			}
		}
	})
}

// eighthsOf measures a bar in eighths of a cell.
func eighthsOf(bar string) int {
	n := 0
	for _, r := range bar {
		if r == '█' {
			n += 8
			continue
		}
		for i, e := range eighths {
			if string(r) == e {
				n += i + 1
			}
		}
	}
	return n
}

func TestChartScaleStartsAtZero(t *testing.T) {
	for want, vals := range map[string][]float64{
		"0 … 0.92": {0.81, 0.92},
		"-2 … 1":   {-2, 1},
		"-3 … 0":   {-3, -1},
		"0 … 5":    {5},
	} {
		var trials []Trial
		for i, v := range vals {
			trials = append(trials, Trial{Name: string(rune('a' + i)), Metrics: map[string]float64{"m": v}})
		}
		if got := Rank(trials, "m", Max).ChartScale(); got != want {
			t.Errorf("ChartScale(%v) = %q, want %q", vals, got, want)
		}
	}
	// 0.81 beside 0.92 is most of a bar, not one eighth of a cell.
	tab := Rank([]Trial{{Name: "a", Metrics: map[string]float64{"m": 0.81}}, {Name: "b", Metrics: map[string]float64{"m": 0.92}}}, "m", Max)
	cells := tab.Cells(TableOptions{Chart: true, ChartWidth: 20})
	if bar := cells[1][4]; utf8.RuneCountInString(bar) < 17 {
		t.Errorf("0.81 beside 0.92 is drawn %q", bar)
	}
}

// TestFrac checks where Frac places values, infinities and the spans that
// give 0/0.
func TestFrac(t *testing.T) {
	for _, tc := range []struct{ v, lo, hi, want float64 }{
		{0.5, 0, 1, 0.5},
		{0.25, 0, 2, 0.125},
		{-1, 0, 1, 0},
		{3, 0, 1, 1},
		{math.Inf(1), 0, 0, 1},
		{math.Inf(-1), 5, 5, 0},
		{math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, 1},
		{0, -math.MaxFloat64, math.MaxFloat64, 0.5},
		{math.NaN(), 0, 1, math.NaN()},
		{1, 1, 1, math.NaN()},
	} {
		got := Frac(tc.v, tc.lo, tc.hi)
		if got != tc.want && !(math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("Frac(%v, %v, %v) = %v, want %v", tc.v, tc.lo, tc.hi, got, tc.want)
		}
	}
}
