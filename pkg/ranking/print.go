package ranking

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// None is the cell of a value a trial does not have.
const None = params.None

// TableOptions says how WriteTable renders the table.
type TableOptions struct {
	// Chart adds a bar of the ranking metric beside its column, scaled
	// from zero; its header says the scale.
	Chart bool
	// ChartWidth is the bar width at the maximum; 0 means ChartWidth.
	ChartWidth int
	// Wide adds where the metrics came from and the pod.
	Wide bool
	// NoHeaders leaves out the header row.
	NoHeaders bool
	// ShowLabels adds a last LABELS column with the labels of each
	// trial's Job, as kubectl get --show-labels does.
	ShowLabels bool
}

// Header returns the header cells of the table.
func (t *Table) Header(o TableOptions) []string {
	h := append([]string{"RANK", "TRIAL"}, params.Headers(t.ParamNames)...)
	h = append(h, "STATE")
	for i, n := range t.MetricNames {
		h = append(h, strings.ToUpper(n))
		if i == 0 && o.Chart && t.Metric != "" {
			h = append(h, t.ChartScale())
		}
		if i == 0 && t.Target != nil {
			h = append(h, "GOAL")
		}
	}
	if o.Wide {
		h = append(h, "SOURCE", "POD")
	}
	if o.ShowLabels {
		h = append(h, "LABELS")
	}
	return h
}

// Cells returns the cells of every row, in the order of Header.
func (t *Table) Cells(o TableOptions) [][]string {
	width := o.ChartWidth
	if width == 0 {
		width = ChartWidth
	}
	lo, hi, _ := t.chartSpan()
	out := make([][]string, len(t.Rows))
	for i := range t.Rows {
		r := &t.Rows[i]
		rank := "-"
		if r.Rank > 0 {
			rank = strconv.Itoa(r.Rank)
		}
		if r.Best {
			rank += "*"
		}
		row := append([]string{rank, r.Name}, r.Params.Cells(t.ParamNames)...)
		row = append(row, stateCell(&r.Trial))
		for j, n := range t.MetricNames {
			v, ok := r.Metrics[n]
			if !ok {
				row = append(row, None)
			} else {
				row = append(row, FormatValue(v))
			}
			if j == 0 && o.Chart && t.Metric != "" {
				bar := ""
				if ok {
					bar = Bar(v, lo, hi, width)
				}
				row = append(row, bar)
			}
			if j == 0 && t.Target != nil {
				row = append(row, reachedCell(r))
			}
		}
		if o.Wide {
			row = append(row, sourceCell(&r.Trial), orNone(r.Pod))
		}
		if o.ShowLabels {
			row = append(row, k8slabels.FormatLabels(r.Labels))
		}
		out[i] = row
	}
	return out
}

// WriteTable writes the table aligned in columns, kubectl style.
func (t *Table) WriteTable(w io.Writer, o TableOptions) error {
	tw := printers.GetNewTabWriter(w)
	if !o.NoHeaders {
		fmt.Fprintln(tw, strings.Join(t.Header(o), "\t"))
	}
	for _, row := range t.Cells(o) {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// WriteCSV writes a header row (trial, each parameter, state, each metric)
// and one row per trial in ranked order. Values keep every digit; a value
// a trial does not have is an empty field.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := append([]string{"trial"}, t.ParamNames...)
	head = append(head, "state")
	head = append(head, t.MetricNames...)
	if t.Target != nil {
		head = append(head, "goal_reached")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		rec := []string{r.Name}
		for _, n := range t.ParamNames {
			v, _ := r.Params.Get(n)
			rec = append(rec, params.Format(v))
		}
		rec = append(rec, string(r.State))
		for _, n := range t.MetricNames {
			v, ok := r.Metrics[n]
			if !ok {
				rec = append(rec, "")
				continue
			}
			rec = append(rec, FormatExact(v))
		}
		if t.Target != nil {
			rec = append(rec, strconv.FormatBool(r.Reached))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// BestLine returns the sentence naming the best trial, for example
// "best: mnist-1a2b3c4d (activation=softmax, dropout=0.2) test_accuracy=0.9812",
// "best so far: ..." while that trial still runs, followed by whether the
// target was reached when there is one; "" without a best trial.
func (t *Table) BestLine() string {
	best, tied := t.Best()
	if best == nil {
		return ""
	}
	if line := t.targetLine(); line != "" {
		return t.bestLine(best, tied) + "; " + line
	}
	return t.bestLine(best, tied)
}

// bestLine is BestLine without the target.
func (t *Table) bestLine(best *Row, tied int) string {
	var b strings.Builder
	b.WriteString("best: ")
	if !best.State.Finished() {
		b.Reset()
		b.WriteString("best so far: ")
	}
	b.WriteString(best.Name)
	if len(best.Params) > 0 {
		parts := make([]string, len(best.Params))
		for i, p := range best.Params {
			parts[i] = p.Name + "=" + params.Format(p.Value)
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	fmt.Fprintf(&b, " %s=%s", t.Metric, FormatExact(best.Value))
	if !best.State.Finished() {
		fmt.Fprintf(&b, " [%s]", best.State)
	}
	switch {
	case tied == 1:
		b.WriteString(", tied with 1 other trial")
	case tied > 1:
		fmt.Fprintf(&b, ", tied with %d other trials", tied)
	}
	return b.String()
}

// Counts returns how many trials have a number for the ranking metric and
// how many have NaN.
func (t *Table) Counts() (numbers, nans int) {
	for i := range t.Rows {
		switch {
		case !t.Rows[i].HasValue:
		case math.IsNaN(t.Rows[i].Value):
			nans++
		default:
			numbers++
		}
	}
	return numbers, nans
}

// stateCell is the trial's state, with how it ran out of memory when the
// state does not say it; a finished trial whose pod is gone and whose
// metrics were never recorded says so.
func stateCell(t *Trial) string {
	var notes []string
	if t.OOMNote != "" {
		notes = append(notes, t.OOMNote)
	}
	if t.PodGone && len(t.Metrics) == 0 {
		notes = append(notes, "pod gone")
	}
	if len(notes) == 0 {
		return string(t.State)
	}
	return string(t.State) + " (" + strings.Join(notes, "; ") + ")"
}

func sourceCell(t *Trial) string {
	if t.Source == "" {
		return None
	}
	if t.FromRecord {
		return t.Source + " (recorded)"
	}
	return t.Source
}

func orNone(s string) string {
	if s == "" {
		return None
	}
	return s
}
