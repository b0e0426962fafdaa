package report

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// logNoted reports whether the parallel coordinates mark the axis of
// the parameter drawn at x as a log scale.
func logNoted(d svgDoc, x string) bool {
	for _, e := range d.find("text", "note") {
		if e.attr["x"] == x && e.text == "log scale" {
			return true
		}
	}
	return false
}

// TestLogAxis: the parallel coordinates and the by-parameter panel take
// one decision per parameter, log when the experiment says so or when the
// values sit evenly on a log scale and span a decade or more; a log-uniform
// sample's dots spread across the panel instead of crowding its left edge.
func TestLogAxis(t *testing.T) {
	accs := []float64{0.81, 0.86, 0.9, 0.93, 0.91, 0.88, 0.84, 0.8}
	cases := map[string]struct {
		vals    []float64
		declare bool
		want    bool
	}{
		"log-uniform sample under two decades": {vals: []float64{0.0005, 0.0009, 0.0014, 0.002, 0.003, 0.005, 0.011, 0.03}, want: true},
		"grid of decades":                      {vals: []float64{1e-4, 1e-3, 1e-2, 1e-1}, want: true},
		"declared log, narrow span":            {vals: []float64{0.01, 0.012, 0.02, 0.03, 0.05}, declare: true, want: true},
		"uniform sample over two decades":      {vals: []float64{0.01, 0.15, 0.3, 0.42, 0.55, 0.7, 0.85, 1.0}, want: false},
		"dropout":                              {vals: []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, want: false},
		"not all positive":                     {vals: []float64{-1, 0.001, 0.01, 0.1, 1}, want: false},
		"declared log with a zero":             {vals: []float64{0, 0.01, 0.1}, declare: true, want: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			vals := make([]any, len(tc.vals))
			for i, v := range tc.vals {
				vals[i] = v
			}
			in := oneParam("lr", vals, accs[:len(vals)])
			if tc.declare {
				in.LogParams = []string{"lr"}
			}
			page := render(t, in)
			pc := docByLabel(t, docs(t, page), "parallel coordinates of the parameters against acc")
			if got := logNoted(pc, "80"); got != tc.want {
				t.Errorf("parallel coordinates: log scale %v, want %v", got, tc.want)
			}
			panels := newModel(in).paramPanels()
			if len(panels) != 1 {
				t.Fatalf("%d panels, want 1", len(panels))
			}
			if got := strings.Contains(panels[0].Caption, "log scale"); got != tc.want {
				t.Errorf("panel caption %q: log scale %v, want %v", panels[0].Caption, got, tc.want)
			}
			if !tc.want {
				return
			}
			// the dots spread: at most half of them in the left fifth of the plot
			panel := docByLabel(t, docs(t, page), "acc against lr")
			dots := panel.find("circle", "trial")
			left := 0
			for _, c := range dots {
				if c.num("cx") < 62+(360-62-12)/5.0 {
					left++
				}
			}
			if len(dots) != len(vals) || 2*left > len(dots) {
				t.Errorf("%d of %d dots in the left fifth of the panel", left, len(dots))
			}
		})
	}
}

// tickLabels returns the tick labels of the parallel coordinates' axis
// at x (its labels are drawn 7 units left of it).
func tickLabels(d svgDoc, x float64) []string {
	var out []string
	for _, e := range d.find("text", "tick-label") {
		if e.num("x") == x-7 {
			out = append(out, e.text)
		}
	}
	return out
}

// xTickLabels returns the tick labels under a panel's x axis.
func xTickLabels(d svgDoc) []string {
	var out []string
	for _, e := range d.find("text", "tick-label") {
		if e.attr["text-anchor"] == "middle" {
			out = append(out, e.text)
		}
	}
	return out
}

// TestFewValuesTicks: a parameter of few numeric values is ticked at its
// values, in both plots, on a linear or a log axis.
func TestFewValuesTicks(t *testing.T) {
	cases := map[string]struct {
		vals []any
		want []string
	}{
		"hidden 32/64/128": {vals: []any{int64(32), int64(64), int64(128), int64(32), int64(64), int64(128)}, want: []string{"32", "64", "128"}},
		"decades":          {vals: []any{1e-4, 1e-3, 1e-2, 1e-1}, want: []string{"0.0001", "0.001", "0.01", "0.1"}},
		"eight dropouts":   {vals: []any{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, want: []string{"0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			accs := make([]float64, len(tc.vals))
			for i := range accs {
				accs[i] = 0.5 + 0.05*float64(i%5)
			}
			name := "p"
			ds := docs(t, render(t, oneParam(name, tc.vals, accs)))
			pc := docByLabel(t, ds, "parallel coordinates of the parameters against acc")
			if got := tickLabels(pc, 80); !slices.Equal(got, tc.want) {
				t.Errorf("parallel coordinates ticks %q, want %q", got, tc.want)
			}
			panel := docByLabel(t, ds, "acc against "+name)
			if got := xTickLabels(panel); !slices.Equal(got, tc.want) {
				t.Errorf("panel ticks %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCrowdedTicksThinned: ticks at values too close to label each are
// thinned so no two labels overlap, and the ends stay.
func TestCrowdedTicksThinned(t *testing.T) {
	vals := []any{int64(100), int64(101), int64(102), int64(103), int64(200)}
	ds := docs(t, render(t, oneParam("n", vals, []float64{0.1, 0.2, 0.3, 0.4, 0.5})))
	pc := docByLabel(t, ds, "parallel coordinates of the parameters against acc")
	var ys []float64
	var labels []string
	for _, e := range pc.find("text", "tick-label") {
		if e.num("x") == 73 {
			ys, labels = append(ys, e.num("y")), append(labels, e.text)
		}
	}
	if len(labels) < 2 || labels[0] != "100" || labels[len(labels)-1] != "200" {
		t.Errorf("parallel coordinates ticks %q, want 100 first and 200 last", labels)
	}
	for i := 1; i < len(ys); i++ {
		if math.Abs(ys[i]-ys[i-1]) < 12 {
			t.Errorf("labels %q and %q are %.1f apart", labels[i-1], labels[i], math.Abs(ys[i]-ys[i-1]))
		}
	}
	panel := docByLabel(t, ds, "acc against n")
	var xs []float64
	for _, e := range panel.find("text", "tick-label") {
		if e.attr["text-anchor"] == "middle" {
			xs = append(xs, e.num("x"))
		}
	}
	for i := 1; i < len(xs); i++ {
		if xs[i]-xs[i-1] < 3*7 { // three digits of about 7 units each
			t.Errorf("panel tick labels %.1f apart: %v", xs[i]-xs[i-1], xs)
		}
	}
}

// TestAxisFrac: where a numeric axis places values, on a linear and on a
// log scale: clamped to the axis, +Inf at the top, -Inf and (on a log
// scale) values at or below zero at the bottom, NaN unplaced, and the
// middle for a span it cannot divide.
func TestAxisFrac(t *testing.T) {
	lin := &axis{lo: 0, hi: 10}
	lg := &axis{lo: 1, hi: 100, log: true}
	flat := &axis{lo: 2, hi: 2}
	cases := []struct {
		a    *axis
		v    float64
		want float64
	}{
		{lin, 5, 0.5}, {lin, -3, 0}, {lin, 30, 1}, {lin, math.Inf(1), 1}, {lin, math.Inf(-1), 0},
		{lg, 10, 0.5}, {lg, 0, 0}, {lg, -1, 0}, {lg, math.Inf(1), 1}, {lg, math.Inf(-1), 0}, {lg, 1000, 1},
		{flat, 2, 0.5}, {flat, math.Inf(1), 1},
	}
	for _, tc := range cases {
		if got := tc.a.frac(tc.v); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("axis [%v, %v] log=%v: frac(%v) = %v, want %v", tc.a.lo, tc.a.hi, tc.a.log, tc.v, got, tc.want)
		}
	}
	if got := lin.frac(math.NaN()); !math.IsNaN(got) {
		t.Errorf("frac(NaN) = %v, want NaN", got)
	}
}
