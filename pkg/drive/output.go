package drive

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// progressLine is the one line a driver redraws on a terminal: trials done,
// running, best so far. Elsewhere nothing is drawn: the per-trial lines on
// Out tell the story.
type progressLine struct {
	w     io.Writer
	on    bool
	shown bool
	last  string
}

func newProgressLine(w io.Writer, terminal bool) *progressLine {
	return &progressLine{w: w, on: terminal}
}

// show redraws the line when it changed.
func (p *progressLine) show(text string) {
	if !p.on || text == p.last {
		return
	}
	fmt.Fprintf(p.w, "\r\033[K%s", text)
	p.shown, p.last = true, text
}

// clear erases the line, before other output or at the end.
func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown, p.last = false, ""
	}
}

// summary is the progress line's text.
func (s *session) summary(dec *Decision, trials []search.Trial) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d", s.d.Exp.Search.Algorithm, dec.Finished)
	if s.spec.MaxTrials > 0 {
		fmt.Fprintf(&b, " of %d", s.spec.MaxTrials)
	}
	fmt.Fprintf(&b, " trials done, %d running", dec.Running)
	if dec.Failed > 0 {
		fmt.Fprintf(&b, ", %d failed", dec.Failed)
	}
	if best := bestOf(trials, dec); best != nil {
		fmt.Fprintf(&b, "; best %s=%s", s.d.Exp.Search.Objective.Metric, formatValue(best.Value))
	}
	return b.String()
}

// sayFinished prints one line for each trial that ended since the last
// view: its objective and whether it is the best so far, or why it failed.
func (s *session) sayFinished(items []*collect.Item, trials []search.Trial, dec *Decision) {
	byIndex := make(map[int]*search.Trial, len(trials))
	for i := range trials {
		byIndex[trials[i].Index] = &trials[i]
	}
	for _, it := range items {
		t := byIndex[it.Status.Index]
		if t == nil || !t.State.Finished() || s.said[it.Status.Name] {
			continue
		}
		s.said[it.Status.Name] = true
		s.progress.clear()
		switch {
		case t.HasValue():
			mark := ""
			if t.Index == dec.Best {
				mark = " (best so far)"
			}
			fmt.Fprintf(s.d.Out, "trial %s finished: %s=%s%s\n", it.Status.Name, s.d.Exp.Search.Objective.Metric, formatValue(t.Value), mark)
		case it.Status.State.Finished() && it.Status.Reason != "":
			fmt.Fprintf(s.d.Out, "trial %s failed: %s\n", it.Status.Name, it.Status.Reason)
		default:
			fmt.Fprintf(s.d.Out, "trial %s failed: it reported no %s\n", it.Status.Name, s.d.Exp.Search.Objective.Metric)
		}
	}
}

// sayEnd prints how the search ended and its best trial.
func (s *session) sayEnd(dec *Decision, trials []search.Trial) {
	fmt.Fprintf(s.d.Out, "search ended: %s\n", dec.End.Message)
	if best := bestOf(trials, dec); best != nil {
		fmt.Fprintf(s.d.Out, "best: trial %s (%s) %s=%s\n", render.IndexName(s.d.Exp.Name, best.Index), best.Params, s.d.Exp.Search.Objective.Metric, formatValue(best.Value))
	}
}

// formatValue writes an objective value with up to 6 significant digits.
func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
