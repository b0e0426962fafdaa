package main

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

// palette gives each algorithm its colour (Tableau 10), ours and its
// Optuna counterpart alike; algorithms not listed take the rest in order.
var palette = map[string]string{
	"random":               "#7f7f7f",
	"tpe":                  "#1f77b4",
	"multivariate-tpe":     "#ff7f0e",
	"bayesianoptimization": "#2ca02c",
	"cmaes":                "#d62728",
	"sobol":                "#9467bd",
}

var extraColours = []string{"#8c564b", "#e377c2", "#17becf", "#bcbd22"}

// The plot's geometry, in pixels.
const (
	panelW, panelH = 300, 240 // plot area of one function
	marginL        = 72
	legendColW     = 190
	gapX           = 96
	marginT        = 36
	legendRowH     = 18
)

// line is one curve of a panel.
type line struct {
	name   string // algorithm or sampler
	colour string
	dashed bool
	median []float64 // median regret after trial 1..n
}

// SVG draws one panel per function: the median over the seeds of the
// best-so-far regret against the trial count, log scale, ours solid and
// Optuna's counterpart dashed in the same colour.
func (r *Results) SVG() string {
	cfg := r.Config
	colours := map[string]string{}
	extra := 0
	colour := func(a string) string {
		if c, ok := palette[a]; ok {
			return c
		}
		if c, ok := colours[a]; ok {
			return c
		}
		colours[a] = extraColours[extra%len(extraColours)]
		extra++
		return colours[a]
	}
	// One legend entry per colour drawn: our algorithm, or its namesake
	// Optuna sampler when ours is not built.
	var legend []line
	for _, a := range r.Order {
		if !r.NotBuilt[a] || slices.Contains(cfg.Optuna, a) {
			legend = append(legend, line{name: a, colour: colour(a)})
		}
	}
	width := marginL + len(cfg.Functions)*(panelW+gapX)
	cols := max(1, (width-marginL)/legendColW)
	legendRows := (len(legend)+cols-1)/cols + 1
	height := marginT + panelH + 48 + legendRows*legendRowH + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	for i, f := range cfg.Functions {
		var lines []line
		for _, a := range r.Order {
			if s := r.Ours[a][f.Name]; s.usable() {
				lines = append(lines, line{name: a, colour: colour(a), median: medians(s)})
			}
		}
		for _, s := range cfg.Optuna {
			if o := r.Optuna[s][f.Name]; o.usable() {
				lines = append(lines, line{name: s, colour: colour(s), dashed: true, median: medians(o)})
			}
		}
		panel(&b, marginL+i*(panelW+gapX), marginT, f.Title, cfg.Trials, cfg.Budgets, lines)
	}
	y := marginT + panelH + 48
	for k, l := range legend {
		x := marginL + (k%cols)*legendColW
		yy := y + (k/cols)*legendRowH
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%d" y="%d">%s</text>`+"\n",
			x, yy-4, x+24, yy-4, l.colour, x+30, yy, html.EscapeString(l.name))
	}
	yy := y + (legendRows-1)*legendRowH
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black" stroke-width="2"/><text x="%d" y="%d">ours</text>`+"\n", marginL, yy-4, marginL+24, yy-4, marginL+30, yy)
	x := marginL + legendColW
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black" stroke-width="1.5" stroke-dasharray="6 4"/><text x="%d" y="%d">Optuna 3.1: the sampler of the same role (TPESampler for tpe, ...)</text>`+"\n", x, yy-4, x+24, yy-4, x+30, yy)
	b.WriteString("</svg>\n")
	return b.String()
}

// medians returns the median over the seeds after each trial.
func medians(s *Series) []float64 {
	if len(s.Regret) == 0 {
		return nil
	}
	n := len(s.Regret[0])
	out := make([]float64, n)
	col := make([]float64, len(s.Regret))
	for k := range out {
		for i, r := range s.Regret {
			col[i] = math.NaN()
			if k < len(r) {
				col[i] = r[k]
			}
		}
		out[k] = Median(col)
	}
	return out
}

// regretFloor is the smallest regret the log axis shows.
const regretFloor = 1e-6

// panel draws one function's axes, ticks and curves with its top-left
// corner at (x0, y0).
func panel(b *strings.Builder, x0, y0 int, title string, trials int, budgets []int, lines []line) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		for _, v := range l.median {
			if !math.IsNaN(v) {
				v = math.Max(v, regretFloor)
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0.01, 1
	}
	dlo, dhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if dhi <= dlo {
		dhi = dlo + 1
	}
	px := func(k float64) float64 { return float64(x0) + (k-1)/math.Max(1, float64(trials-1))*panelW }
	py := func(v float64) float64 {
		return float64(y0) + (dhi-math.Log10(math.Max(v, regretFloor)))/(dhi-dlo)*panelH
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>`+"\n", x0, y0-14, html.EscapeString(title))
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="black"/>`+"\n", x0, y0, panelW, panelH)
	for d := dlo; d <= dhi; d++ {
		y := py(math.Pow(10, d))
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"/><text x="%d" y="%.1f" text-anchor="end">%g</text>`+"\n",
			x0, y, x0+panelW, y, x0-6, y, x0, y, x0-8, y+4, math.Pow(10, d))
		for m := 2.0; m < 10 && d < dhi; m++ {
			y := py(m * math.Pow(10, d))
			fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"/>`+"\n", x0-3, y, x0, y)
		}
	}
	step := tickStep(trials)
	for k := step; k <= trials; k += step {
		x := px(float64(k))
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/><text x="%.1f" y="%d" text-anchor="middle">%d</text>`+"\n",
			x, y0+panelH, x, y0+panelH+5, x, y0+panelH+18, k)
	}
	for _, budget := range budgets {
		if budget < trials {
			x := px(float64(budget))
			fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#999" stroke-dasharray="2 3"/>`+"\n", x, y0, x, y0+panelH)
		}
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">trials</text>`+"\n", x0+panelW/2, y0+panelH+34)
	fmt.Fprintf(b, `<text transform="translate(%d,%d) rotate(-90)" text-anchor="middle">median regret (log)</text>`+"\n", x0-52, y0+panelH/2)
	for _, l := range lines {
		var pts []string
		for k, v := range l.median {
			if !math.IsNaN(v) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(float64(k+1)), py(v)))
			}
		}
		dash, width := "", "2"
		if l.dashed {
			dash, width = ` stroke-dasharray="6 4"`, "1.5"
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="%s"%s points="%s"><title>%s</title></polyline>`+"\n",
			l.colour, width, dash, strings.Join(pts, " "), html.EscapeString(l.name))
	}
}

// tickStep returns a round step giving at most 7 ticks up to n.
func tickStep(n int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 500} {
		if n/s <= 7 {
			return s
		}
	}
	return n
}
