package report

import (
	"html/template"
	"math"
	"sort"
	"strconv"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// histPoint is one finished trial in the optimization history.
type histPoint struct {
	r *row
	// index is the trial's creation order: its suggestion index.
	index int
	// value is its ranking metric; unused when failed.
	value float64
	// failed marks a trial that failed or was OOMKilled: drawn along the
	// axis, its value (if any) not counted, as the ranking's best does not.
	failed bool
	// best is the best value up to and including this trial, towards the
	// goal; NaN before the first value.
	best float64
}

// history returns the finished trials in creation order (Status.Index, or
// the position in Statuses where a Job has none): those that succeeded or
// were stopped early with a finite value of the ranking metric, and the
// failed ones; trials still running or waiting are left out. Trials the
// statuses do not name have no creation order and are left out too.
func (m *model) history() []histPoint {
	index := make(map[string]int, len(m.in.Statuses))
	for i, s := range m.in.Statuses {
		index[s.Name] = i
		if s.Index >= 0 {
			index[s.Name] = s.Index
		}
	}
	var out []histPoint
	for i := range m.rows {
		r := &m.rows[i]
		idx, ok := index[r.r.Name]
		if !ok {
			continue
		}
		failed := r.r.State == trial.Failed || r.r.State == trial.OOMKilled
		done := r.r.State.Finished() || ranking.IsEarlyStopped(r.r.State)
		if !done || !failed && !r.finite() {
			continue
		}
		out = append(out, histPoint{r: r, index: idx, value: r.r.Value, failed: failed})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].index < out[b].index })
	best := math.NaN()
	for i := range out {
		p := &out[i]
		if !p.failed && (math.IsNaN(best) || m.better(p.value, best)) {
			best = p.value
		}
		p.best = best
	}
	return out
}

// better reports whether metric value a beats b towards the goal.
func (m *model) better(a, b float64) bool {
	if m.t.Goal == ranking.Min {
		return a < b
	}
	return a > b
}

// historyPanel draws each finished trial's value against its creation
// index, the failed ones as crosses along the axis, and the best value so
// far as a step line (as Optuna's plot_optimization_history does); nil
// when fewer than two trials have a value.
func (m *model) historyPanel() *Panel {
	pts := m.history()
	valued := 0
	var xs []float64
	for _, p := range pts {
		xs = append(xs, float64(p.index))
		if !p.failed {
			valued++
		}
	}
	if m.t.Metric == "" || valued < 2 {
		return nil
	}
	const width, height = 1100.0, 300.0
	const top, bottom, left, right = 16.0, 44.0, 70.0, 190.0
	xa, ya := padded(numericAxis("trial", xs)), padded(m.metricAxis())
	x0, x1, y1 := left, width-right, height-bottom
	px := func(v float64) float64 { return x0 + xa.frac(v)*(x1-x0) }
	py := func(v float64) float64 { return top + (1-ya.frac(v))*(y1-top) }
	s := newSVG(width, height, "plot history", "optimization history of "+m.t.Metric)
	frame(s, xa, ya, px, py, x0, top, x1, y1, "trial index (creation order)", m.t.Metric)

	var steps []point
	for _, p := range pts {
		if math.IsNaN(p.best) {
			continue
		}
		x, y := px(float64(p.index)), py(p.best)
		if n := len(steps); n > 0 && steps[n-1].y != y {
			steps = append(steps, point{x, steps[n-1].y})
		}
		steps = append(steps, point{x, y})
	}
	s.polyline(steps, "", "class", "best-so-far", "stroke", colAxis, "stroke-width", "2", "fill", "none")

	failures := 0
	for _, p := range pts {
		x, t := px(float64(p.index)), strconv.Itoa(p.r.i)
		if p.failed {
			failures++
			y := y1 - 7
			s.polyline([]point{{x - 4, y - 4}, {x + 4, y + 4}, {x, y}, {x - 4, y + 4}, {x + 4, y - 4}}, "",
				"class", "trial failed", "data-t", t, "stroke", colFail, "stroke-width", "2", "fill", "none")
			continue
		}
		rad, cls := 4.0, "trial"
		if p.r.r.Best {
			rad, cls = 6.5, "trial best"
		}
		s.circle(x, py(p.value), rad, "", "class", cls, "data-t", t, "fill", p.r.color())
	}

	lx, ly := x1+30, top+10
	s.line(lx, ly, lx+28, ly, "class", "best-so-far", "stroke", colAxis, "stroke-width", "2")
	s.text(lx+34, ly+4, "best so far", "start", 0, "class", "legend")
	if failures > 0 {
		ly += 22
		s.polyline([]point{{lx + 10, ly - 4}, {lx + 18, ly + 4}, {lx + 14, ly}, {lx + 10, ly + 4}, {lx + 18, ly - 4}}, "",
			"stroke", colFail, "stroke-width", "2", "fill", "none")
		s.text(lx+34, ly+4, "failed (not counted)", "start", 0, "class", "legend")
	}
	caption := "each dot a finished trial at its creation index, the order the search suggested it; the line is the best " +
		m.t.Metric + " so far (" + string(m.t.Goal) + " is better)"
	if failures > 0 {
		caption += "; failed trials are the crosses along the axis"
	}
	return &Panel{Title: "Optimization history", Caption: caption, SVG: template.HTML(s.close())}
}
