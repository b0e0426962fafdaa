// Package report renders an experiment as one self-contained HTML page: the
// ranking table (sortable), parallel coordinates of the parameters against
// the ranking metric, the optimization history, learning curves, one panel
// per parameter, peak CPU and memory against limits, and the failures. Plots are SVG drawn here; the
// page holds its styles and a little script inline and refers to nothing
// outside itself, so it opens from a file:// URL with no network. The same
// input gives the same bytes. It reads nothing from a cluster.
package report

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// DefaultMaxCurves is how many trials' learning curves are drawn as lines,
// best first; the others are summed up as a grey band.
const DefaultMaxCurves = 50

// Input is everything the report shows.
type Input struct {
	Experiment string
	Namespace  string
	// Generated is printed in the header; the zero time leaves it out.
	Generated time.Time
	// Table is the ranking: rows best first, with metrics and curves.
	Table *ranking.Table
	// Statuses are the trials in experiment order: the order of categories,
	// and the reasons of failures and pending trials.
	Statuses []trial.Status
	// Peaks holds the peak usage recorded for each trial, by trial name.
	Peaks map[string]cpumem.Peak
	// Limits holds each trial's CPU and memory limits, by trial name.
	Limits map[string]cpumem.Resources
	// UsageHint is the command that records usage, shown when no trial has
	// a sample.
	UsageHint string
	// MaxCurves caps the learning curves drawn; 0 means DefaultMaxCurves.
	MaxCurves int
	// Notes are sentences shown under the header (what was not read, ...).
	Notes []string
	// LogParams are the parameters the experiment samples on a log scale
	// (logUniform, logNormal): their axes are logarithmic whatever the span
	// of their values.
	LogParams []string
}

//go:embed page.html.tmpl
var pageText string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

var page = template.Must(template.New("page").Parse(pageText))

// Write renders the report of in to w.
func Write(w io.Writer, in Input) error {
	m := newModel(in)
	data := map[string]any{
		"Title":      in.Experiment,
		"Namespace":  in.Namespace,
		"Generated":  generated(in.Generated),
		"Summary":    m.summary(),
		"Best":       m.bestLine(),
		"Metric":     m.t.Metric,
		"Goal":       string(m.t.Goal),
		"Notes":      in.Notes,
		"Constants":  m.constants(),
		"CSS":        template.CSS(pageCSS),
		"JS":         template.JS(pageJS),
		"Table":      m.tableHTML(),
		"ParCoords":  template.HTML(m.parCoords()),
		"History":    m.historyPanel(),
		"RankNote":   m.t.EarlyStoppedNote(),
		"Curves":     m.curvePanels(),
		"ParamPlots": m.paramPanels(),
		"Resources":  m.resources(),
		"Failures":   m.failures(),
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, data); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func generated(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// row is one trial as the plots see it.
type row struct {
	i    int // position in the table, best first: the data-t of its marks
	r    *ranking.Row
	good float64 // 0 worst ... 1 best; NaN without a finite value
}

// finite reports whether the row has a finite value of the ranking metric.
func (r *row) finite() bool { return !math.IsNaN(r.good) }

// color is the row's colour: orange for the best, shades of blue by value.
func (r *row) color() string {
	if r.r.Best {
		return colBest
	}
	return shade(r.good)
}

// model is the input prepared for drawing.
type model struct {
	in     Input
	t      *ranking.Table
	rows   []row
	lo, hi float64 // finite span of the ranking metric
	order  map[string]int
	params []string
}

func newModel(in Input) *model {
	t := in.Table
	if t == nil {
		t = &ranking.Table{}
	}
	m := &model{in: in, t: t, order: map[string]int{}, params: t.ParamNames}
	for i, s := range in.Statuses {
		m.order[s.Name] = i
	}
	first := true
	for i := range t.Rows {
		r := &t.Rows[i]
		if !r.HasValue || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			continue
		}
		if first {
			m.lo, m.hi, first = r.Value, r.Value, false
		}
		m.lo, m.hi = math.Min(m.lo, r.Value), math.Max(m.hi, r.Value)
	}
	m.rows = make([]row, len(t.Rows))
	for i := range t.Rows {
		r := &t.Rows[i]
		m.rows[i] = row{i: i, r: r, good: m.goodness(r)}
	}
	return m
}

// goodness places a row's value between the worst (0) and the best (1).
func (m *model) goodness(r *ranking.Row) float64 {
	if !r.HasValue || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
		return math.NaN()
	}
	if !(m.hi > m.lo) {
		return 1
	}
	f := (r.Value/2 - m.lo/2) / (m.hi/2 - m.lo/2)
	if m.t.Goal == ranking.Min {
		f = 1 - f
	}
	return math.Max(0, math.Min(1, f))
}

// drawOrder returns the rows worst first, so better lines are drawn over
// worse ones and the best last of all; rows without a value come first.
func (m *model) drawOrder() []*row {
	out := make([]*row, 0, len(m.rows))
	for i := len(m.rows) - 1; i >= 0; i-- {
		if !m.rows[i].r.Best {
			out = append(out, &m.rows[i])
		}
	}
	for i := range m.rows {
		if m.rows[i].r.Best {
			out = append(out, &m.rows[i])
		}
	}
	return out
}

// varied returns the parameters that take more than one value across the
// trials, in table order: a parameter every trial shares explains nothing.
func (m *model) varied() []string {
	var out []string
	for _, n := range m.params {
		seen := map[string]bool{}
		for i := range m.rows {
			v, ok := m.rows[i].r.Params.Get(n)
			key := "\x00missing"
			if ok {
				key = params.Format(v)
			}
			seen[key] = true
			if len(seen) > 1 {
				break
			}
		}
		if len(seen) > 1 {
			out = append(out, n)
		}
	}
	return out
}

// constants describes the parameters every trial shares, e.g. "epochs=10".
func (m *model) constants() string {
	varied := map[string]bool{}
	for _, n := range m.varied() {
		varied[n] = true
	}
	var parts []string
	for _, n := range m.params {
		if varied[n] || len(m.rows) == 0 {
			continue
		}
		v, _ := m.rows[0].r.Params.Get(n)
		parts = append(parts, n+"="+params.Format(v))
	}
	return strings.Join(parts, ", ")
}

// paramValue returns a row's value of parameter name.
func paramValue(p params.Params, name string) (any, bool) { return p.Get(name) }

// numeric reports whether a parameter value is a number, and which.
func numeric(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x)
	}
	return 0, false
}

// paramAxis returns the axis of parameter name, the same in every plot:
// numeric when every value is a number (log as logScale decides, ticked at
// its values when it takes few), else one slot per value in experiment
// order.
func (m *model) paramAxis(name string) *axis {
	var nums []float64
	allNum, any := true, false
	for i := range m.rows {
		v, ok := paramValue(m.rows[i].r.Params, name)
		if !ok {
			continue
		}
		any = true
		f, isNum := numeric(v)
		if !isNum {
			allNum = false
			break
		}
		nums = append(nums, f)
	}
	if allNum && any {
		a := numericAxis(name, nums)
		if logScale(nums, slices.Contains(m.in.LogParams, name)) {
			a.log = true
		}
		if d := distinct(nums); len(d) <= maxValueTicks {
			a.values = d
		}
		return a
	}
	// categories in experiment order
	idx := make([]int, len(m.rows))
	for i := range m.rows {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return m.orderOf(idx[a]) < m.orderOf(idx[b]) })
	var cats []string
	for _, i := range idx {
		if v, ok := paramValue(m.rows[i].r.Params, name); ok {
			cats = append(cats, params.Format(v))
		}
	}
	return categoricalAxis(name, cats)
}

// orderOf returns a row's position in experiment order.
func (m *model) orderOf(i int) int {
	if o, ok := m.order[m.rows[i].r.Name]; ok {
		return o
	}
	return len(m.order) + i
}

// place returns where a row's parameter value falls on a, or NaN.
func place(a *axis, p params.Params) float64 {
	v, ok := paramValue(p, a.name)
	if !ok {
		return math.NaN()
	}
	if a.categorical() {
		return a.catFrac(params.Format(v))
	}
	f, isNum := numeric(v)
	if !isNum {
		return math.NaN()
	}
	return a.frac(f)
}

// metricAxis is the linear axis of the ranking metric's finite values.
func (m *model) metricAxis() *axis {
	return numericAxis(m.t.Metric, []float64{m.lo, m.hi})
}

// up returns the vertical fraction of a metric value: better is higher.
func (m *model) up(a *axis, v float64) float64 {
	f := a.frac(v)
	if m.t.Goal == ranking.Min {
		return 1 - f
	}
	return f
}

// padded returns a linear axis widened by a tenth of its span on each
// side, so marks at the ends are not cut by the frame.
func padded(a *axis) *axis {
	if a.categorical() || !(a.hi > a.lo) {
		return a
	}
	if a.log {
		f := math.Pow(a.hi/a.lo, 0.05)
		a.lo, a.hi = a.lo/f, a.hi*f
		return a
	}
	pad := (a.hi/2 - a.lo/2) / 10
	if lo, hi := a.lo-pad, a.hi+pad; !math.IsInf(lo, 0) && !math.IsInf(hi, 0) {
		a.lo, a.hi = lo, hi
	}
	return a
}
