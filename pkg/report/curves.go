package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// maxCurvePanels caps the metrics drawn as learning curves.
const maxCurvePanels = 4

// Panel is one plot of the page with its caption.
type Panel struct {
	Title   string
	Caption string
	SVG     template.HTML
}

// curve returns a row's curve of metric name as points by epoch (the last
// value of each epoch), or by position when the log named no epochs;
// values that are not finite are left out.
func curve(pts []ranking.CurvePoint) []point {
	byStep := true
	for _, p := range pts {
		if p.Step < 0 {
			byStep = false
		}
	}
	var out []point
	for i, p := range pts {
		v := float64(p.Value)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		x := float64(i + 1)
		if byStep {
			x = float64(p.Step)
		}
		if n := len(out); n > 0 && out[n-1].x == x {
			out[n-1].y = v
			continue
		}
		out = append(out, point{x, v})
	}
	return out
}

// curveNames returns the metrics worth a learning-curve panel (two or more
// points in some trial), those closest to the ranking metric first:
// the same name, then the same stem (val_accuracy for test_accuracy),
// then the others by name.
func (m *model) curveNames() []string {
	seen := map[string]bool{}
	for i := range m.rows {
		for n, pts := range m.rows[i].r.Curves {
			if !seen[n] && len(curve(pts)) >= 2 {
				seen[n] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	stem := func(n string) string {
		for _, p := range []string{"test_", "val_", "validation_", "train_"} {
			n = strings.TrimPrefix(n, p)
		}
		return n
	}
	score := func(n string) int {
		switch {
		case n == m.t.Metric:
			return 0
		case stem(n) == stem(m.t.Metric) && strings.HasPrefix(n, "val"):
			return 1
		case stem(n) == stem(m.t.Metric):
			return 2
		case strings.HasPrefix(n, "val"):
			return 3
		}
		return 4
	}
	sort.Slice(names, func(a, b int) bool {
		if sa, sb := score(names[a]), score(names[b]); sa != sb {
			return sa < sb
		}
		return names[a] < names[b]
	})
	if len(names) > maxCurvePanels {
		names = names[:maxCurvePanels]
	}
	return names
}

// curvePanels draws one learning-curve panel per metric of curveNames:
// the best MaxCurves trials as lines (the best orange, on top), the others
// as a grey band from their lowest to their highest value at each epoch.
func (m *model) curvePanels() []Panel {
	limit := m.in.MaxCurves
	if limit <= 0 {
		limit = DefaultMaxCurves
	}
	var out []Panel
	for _, name := range m.curveNames() {
		out = append(out, m.curvePanel(name, limit))
	}
	return out
}

func (m *model) curvePanel(name string, limit int) Panel {
	type line struct {
		r   *row
		pts []point
	}
	var drawn, banded []line
	var xs, ys []float64
	for i := range m.rows { // best first
		r := &m.rows[i]
		pts := curve(r.r.Curves[name])
		if len(pts) == 0 {
			continue
		}
		for _, p := range pts {
			xs, ys = append(xs, p.x), append(ys, p.y)
		}
		if len(drawn) < limit || r.r.Best {
			drawn = append(drawn, line{r, pts})
		} else {
			banded = append(banded, line{r, pts})
		}
	}
	const width, height = 540.0, 300.0
	const top, bottom, left, right = 16.0, 42.0, 62.0, 16.0
	xa, ya := numericAxis("epoch", xs), padded(numericAxis(name, ys))
	s := newSVG(width, height, "plot curves", "learning curves of "+name)
	px := func(x float64) float64 { return left + xa.frac(x)*(width-left-right) }
	py := func(y float64) float64 { return top + (1-ya.frac(y))*(height-top-bottom) }
	frame(s, xa, ya, px, py, left, top, width-right, height-bottom, "epoch", name)

	if len(banded) > 0 {
		lo, hi := map[float64]float64{}, map[float64]float64{}
		for _, l := range banded {
			for _, p := range l.pts {
				if v, ok := lo[p.x]; !ok || p.y < v {
					lo[p.x] = p.y
				}
				if v, ok := hi[p.x]; !ok || p.y > v {
					hi[p.x] = p.y
				}
			}
		}
		keys := make([]float64, 0, len(lo))
		for x := range lo {
			keys = append(keys, x)
		}
		sort.Float64s(keys)
		var poly []point
		for _, x := range keys {
			poly = append(poly, point{px(x), py(hi[x])})
		}
		for i := len(keys) - 1; i >= 0; i-- {
			poly = append(poly, point{px(keys[i]), py(lo[keys[i]])})
		}
		s.polygon(poly, "class", "band", "fill", colBand)
	}
	stopped := 0
	for i := len(drawn) - 1; i >= 0; i-- { // worst first, best on top
		l := drawn[i]
		pts := make([]point, len(l.pts))
		for j, p := range l.pts {
			pts[j] = point{px(p.x), py(p.y)}
		}
		w, cls, color, dash := "1.5", "trial", l.r.color(), ""
		switch {
		case l.r.r.Best:
			w, cls = "3.5", "trial best"
		case ranking.IsEarlyStopped(l.r.r.State): // the search stopped it: not a finished curve
			cls, color, dash = "trial stopped", colNone, "5 4"
			stopped++
		}
		if len(pts) == 1 {
			s.circle(pts[0].x, pts[0].y, 2.5, "", "class", cls, "data-t", strconv.Itoa(l.r.i), "fill", color)
			continue
		}
		s.polyline(pts, "", "class", cls, "data-t", strconv.Itoa(l.r.i), "stroke", color, "stroke-width", w,
			"stroke-dasharray", dash, "fill", "none")
	}
	if stopped > 0 {
		lx, ly := width-right-118, top+12
		s.rect(lx-6, ly-12, 118, 20, "fill", "#fff", "opacity", "0.85")
		s.line(lx, ly-4, lx+24, ly-4, "stroke", colNone, "stroke-width", "1.5", "stroke-dasharray", "5 4")
		s.text(lx+30, ly, "early-stopped", "start", 0, "class", "legend")
	}
	caption := fmt.Sprintf("%d %s", len(drawn), plural(len(drawn), "trial"))
	if len(banded) > 0 {
		caption = fmt.Sprintf("the best %d trials as lines; the other %d as the grey band (their lowest to highest value)", len(drawn), len(banded))
	}
	if stopped > 0 {
		caption += fmt.Sprintf("; %d stopped early by the search, grey and dashed", stopped)
	}
	return Panel{Title: name + " per epoch", Caption: caption, SVG: template.HTML(s.close())}
}

// frame draws a plot's grid, axes, tick labels and axis titles.
func frame(s *svg, xa, ya *axis, px, py func(float64) float64, x0, y0, x1, y1 float64, xTitle, yTitle string) {
	for _, v := range apart(ya.ticks(5), py, rowGap) {
		y := py(v)
		s.line(x0, y, x1, y, "class", "grid")
		s.text(x0-6, y+4, fmtNum(v), "end", 0, "class", "tick-label")
	}
	if xa.categorical() {
		every := 1 + len(xa.cats)/12
		slot := (x1 - x0) / float64(len(xa.cats)) * float64(every)
		long := 0
		for _, c := range xa.cats {
			long = max(long, len([]rune(c)))
		}
		for i, c := range xa.cats {
			if i%every != 0 {
				continue
			}
			x := x0 + xa.catFrac(c)*(x1-x0)
			if float64(min(long, 12))*6.5 > slot { // too wide side by side: slanted
				s.text(x+4, y1+12, c, "end", 12, "class", "tick-label", "transform", "rotate(-35 "+num(x+4)+" "+num(y1+12)+")")
				continue
			}
			s.text(x, y1+16, c, "middle", 12, "class", "tick-label")
		}
	} else {
		for _, v := range apart(xa.ticks(6), px, columnGap) {
			x := px(v)
			s.line(x, y1, x, y1+4, "class", "tick")
			s.text(x, y1+16, fmtNum(v), "middle", 0, "class", "tick-label")
		}
	}
	s.line(x0, y1, x1, y1, "class", "axis")
	s.line(x0, y0, x0, y1, "class", "axis")
	titleY := y1 + 34
	if xa.categorical() {
		titleY = y1 + 54
	}
	s.text((x0+x1)/2, titleY, xTitle, "middle", 40, "class", "axis-title")
	s.text(14, (y0+y1)/2, yTitle, "middle", 30, "class", "axis-title", "transform", "rotate(-90 14 "+num((y0+y1)/2)+")")
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
