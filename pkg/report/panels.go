package report

import (
	"hash/fnv"
	"html/template"
	"math"
	"strconv"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// paramPanels draws one panel per parameter with the ranking metric
// against its values: a scatter for a numeric parameter, a strip of points
// over a box (quartiles and median) per value for a categorical one.
func (m *model) paramPanels() []Panel {
	if m.t.Metric == "" || !m.anyFinite() {
		return nil
	}
	out := make([]Panel, 0, len(m.params))
	for _, name := range m.varied() {
		out = append(out, m.paramPanel(name))
	}
	return out
}

func (m *model) paramPanel(name string) Panel {
	const width, height = 360.0, 270.0
	const top, bottom, left, right = 14.0, 62.0, 62.0, 12.0
	xa := padded(m.paramAxis(name))
	ya := padded(m.metricAxis())
	s := newSVG(width, height, "plot param", m.t.Metric+" against "+name)
	x0, x1, y1 := left, width-right, height-bottom
	px := func(f float64) float64 { return x0 + f*(x1-x0) }
	py := func(v float64) float64 { return top + (1-ya.frac(v))*(y1-top) }
	frame(s, xa, ya, func(v float64) float64 { return px(xa.frac(v)) }, py, x0, top, x1, y1, name, m.t.Metric)

	slot, boxW := 1.0, 0.0
	type median struct{ x0, x1, y float64 }
	var medians []median
	if xa.categorical() && len(xa.cats) > 0 {
		slot = (x1 - x0) / float64(len(xa.cats))
		boxW = math.Min(slot*0.7, 60)
		byCat := map[string][]float64{}
		for i := range m.rows {
			r := &m.rows[i]
			if v, ok := r.r.Params.Get(name); ok && r.finite() {
				c := params.Format(v)
				byCat[c] = append(byCat[c], r.r.Value)
			}
		}
		// every value with a trial gets a box, however few its trials or
		// close their values: at least minBox high, wider than the dots
		const minBox = 4.0
		for _, c := range xa.cats {
			vals := byCat[c]
			if len(vals) == 0 {
				continue
			}
			q1, med, q3 := quartiles(vals)
			cx, w := px(xa.catFrac(c)), boxW
			top, bot := py(q3), py(q1)
			if bot-top < minBox {
				top, bot = py(med)-minBox/2, py(med)+minBox/2
			}
			s.rect(cx-w/2, top, w, bot-top, "class", "box")
			medians = append(medians, median{cx - w/2, cx + w/2, py(med)})
		}
	}
	for _, r := range m.drawOrder() {
		if !r.finite() {
			continue
		}
		f := place(xa, r.r.Params)
		if math.IsNaN(f) {
			continue
		}
		x := px(f)
		if xa.categorical() {
			x += jitter(r.r.Name) * boxW * 0.6 // the box's edges show past the dots
		}
		rad, cls := 4.0, "trial"
		if r.r.Best {
			rad, cls = 6.5, "trial best"
		}
		s.circle(x, py(r.r.Value), rad, "", "class", cls, "data-t", strconv.Itoa(r.i), "fill", r.color())
	}
	for _, md := range medians { // over the dots, which would hide a flat box
		s.line(md.x0, md.y, md.x1, md.y, "class", "median")
	}
	caption := "each dot a trial"
	if xa.categorical() {
		caption += "; boxes span the middle half of each value's trials, the line is their median"
	} else if xa.log {
		caption += "; log scale"
	}
	return Panel{Title: m.t.Metric + " by " + name, Caption: caption, SVG: template.HTML(s.close())}
}

// jitter returns a fixed offset in [-0.5, 0.5) for a trial, so its dot
// lands in the same place in every report.
func jitter(name string) float64 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return float64(h.Sum32()%1000)/1000 - 0.5
}
