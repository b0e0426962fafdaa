package report

import (
	"math"
	"strconv"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// plateID names the filter that paints a label's plate.
const plateID = "label-plate"

// tooltip describes a trial on hover: name, parameters, metric value.
func (m *model) tooltip(r *row) string {
	s := r.r.Name
	if len(r.r.Params) > 0 {
		s += " (" + r.r.Params.String() + ")"
	}
	if m.t.Metric != "" && r.r.HasValue {
		s += " " + m.t.Metric + "=" + ranking.FormatValue(r.r.Value)
	}
	if r.r.Best {
		s += " — best"
	}
	return s
}

// parCoords draws one vertical axis per parameter and one for the ranking
// metric (better up), and one polyline per trial across them, coloured by
// its value; the best trial is drawn last, thick and orange. A trial
// without a value stops at the last parameter, grey and dashed.
func (m *model) parCoords() string {
	axes := make([]*axis, 0, len(m.params)+1)
	for _, n := range m.varied() {
		axes = append(axes, m.paramAxis(n))
	}
	var metric *axis
	if m.t.Metric != "" && m.hi >= m.lo && m.anyFinite() {
		metric = m.metricAxis()
		axes = append(axes, metric)
	}
	const width, height = 1100.0, 400.0
	const top, bottom, left, right = 58.0, 28.0, 80.0, 210.0
	class := "plot parcoords"
	if len(m.rows) > 150 {
		class += " many" // thinner, fainter lines
	}
	s := newSVG(width, height, class, "parallel coordinates of the parameters against "+m.t.Metric)
	if len(axes) < 2 {
		s.text(width/2, height/2, "parallel coordinates need at least two of: parameters, a ranking metric", "middle", 0, "class", "empty")
		return s.close()
	}
	plotH := height - top - bottom
	step := (width - left - right) / float64(len(axes)-1)
	xOf := func(k int) float64 { return left + float64(k)*step }
	yOf := func(f float64) float64 { return top + (1-f)*plotH }

	// the trials, worst first
	s.raw(`<g class="lines">`)
	for _, r := range m.drawOrder() {
		var pts []point
		for k, a := range axes {
			var f float64
			if a == metric {
				if !r.finite() {
					continue
				}
				f = m.up(a, r.r.Value)
			} else {
				f = place(a, r.r.Params)
			}
			if math.IsNaN(f) {
				continue
			}
			pts = append(pts, point{xOf(k), yOf(f)})
		}
		if len(pts) == 0 {
			continue
		}
		width, dash, cls := "1.4", "", "trial"
		switch {
		case r.r.Best:
			width, cls = "4", "trial best"
		case !r.finite():
			dash = "4 3"
		}
		s.polyline(pts, "", "class", cls, "data-t", strconv.Itoa(r.i), "stroke", r.color(),
			"stroke-width", width, "stroke-dasharray", dash, "fill", "none")
	}
	s.raw(`</g>`)

	// the axes over the lines, their labels on plates
	s.raw(`<defs><filter id="` + plateID + `" x="-0.06" y="-0.08" width="1.12" height="1.16">` +
		`<feFlood flood-color="#fff" flood-opacity="0.9"/><feComposite in="SourceGraphic" operator="over"/></filter></defs>`)
	plate := "url(#" + plateID + ")"
	for k, a := range axes {
		x := xOf(k)
		s.line(x, top, x, top+plotH, "class", "axis")
		cls := "axis-title"
		if a == metric {
			cls = "axis-title metric"
			s.text(x, top-16, betterWord(m.t.Goal), "middle", 0, "class", "note")
		}
		s.text(x, top-32, a.name, "middle", 22, "class", cls)
		if a.categorical() {
			every := 1 + len(a.cats)/16
			for i, c := range a.cats {
				if i%every != 0 {
					continue
				}
				y := yOf(a.catFrac(c))
				s.line(x-4, y, x, y, "class", "tick")
				s.text(x-7, y+4, c, "end", 14, "class", "tick-label", "filter", plate)
			}
			continue
		}
		pos := func(v float64) float64 {
			if a == metric {
				return yOf(m.up(a, v))
			}
			return yOf(a.frac(v))
		}
		for _, v := range apart(a.ticks(5), pos, rowGap) {
			y := pos(v)
			s.line(x-4, y, x, y, "class", "tick")
			s.text(x-7, y+4, fmtNum(v), "end", 0, "class", "tick-label", "filter", plate)
		}
		if a.log {
			s.text(x, top-16, "log scale", "middle", 0, "class", "note")
		}
	}
	m.legend(s, width-right+60, top, metric != nil)
	return s.close()
}

// anyFinite reports whether a row has a finite value of the metric.
func (m *model) anyFinite() bool {
	for i := range m.rows {
		if m.rows[i].finite() {
			return true
		}
	}
	return false
}

// betterWord says which way is better on the metric axis.
func betterWord(g ranking.Goal) string {
	if g == ranking.Min {
		return "lower is better"
	}
	return "higher is better"
}

// legend draws the colour scale from worse to better, the best trial's
// mark and the grey of trials without a value, in a column at x.
func (m *model) legend(s *svg, x, y float64, scale bool) {
	const barH = 150.0
	if scale {
		const id = "colour-scale"
		s.raw(`<defs><linearGradient id="` + id + `" x1="0" y1="1" x2="0" y2="0"><stop offset="0" stop-color="` +
			shade(0) + `"/><stop offset="1" stop-color="` + shade(1) + `"/></linearGradient></defs>`)
		s.text(x, y-8, "line colour", "start", 0, "class", "legend-title")
		if !(m.hi > m.lo) { // one value: one swatch, named once
			s.rect(x, y, 16, 16, "fill", shade(1), "class", "colorbar")
			s.text(x+22, y+12, fmtNum(m.hi)+" (all equal)", "start", 0, "class", "legend")
			y += 16 + 28
		} else {
			s.rect(x, y, 16, barH, "fill", "url(#"+id+")", "class", "colorbar")
			best, worst := m.hi, m.lo
			if m.t.Goal == ranking.Min {
				best, worst = m.lo, m.hi
			}
			b, w := fmtApart(best, worst)
			s.text(x+22, y+10, b+" (best)", "start", 0, "class", "legend")
			s.text(x+22, y+barH, w+" (worst)", "start", 0, "class", "legend")
			y += barH + 28
		}
	}
	s.line(x, y, x+28, y, "stroke", colBest, "stroke-width", "4")
	s.text(x+34, y+4, "best trial", "start", 0, "class", "legend")
	if b, _ := m.t.Best(); b != nil {
		s.text(x+34, y+20, b.Name, "start", 22, "class", "legend mono")
		y += 16
	}
	y += 22
	s.line(x, y, x+28, y, "stroke", colNone, "stroke-width", "1.4", "stroke-dasharray", "4 3")
	s.text(x+34, y+4, "no value", "start", 0, "class", "legend")
}
