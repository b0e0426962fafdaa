package report

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// searchTrial is one trial of searchInput: its suggestion index, state
// and value (NaN: none reported).
type searchTrial struct {
	index int
	state trial.State
	value float64
}

// searchInput is an adaptive search's experiment as the report sees it;
// the statuses come in an order other than the indices, as a List returns
// them.
func searchInput(goal ranking.Goal, ts []searchTrial) Input {
	var trials []ranking.Trial
	var st []trial.Status
	for _, s := range ts {
		n := "s-" + strconv.Itoa(s.index)
		p := params.Params{{Name: "x", Value: float64(s.index) / 10}}
		tr := ranking.Trial{Name: n, Params: p, State: s.state}
		if !math.IsNaN(s.value) {
			tr.Metrics = map[string]float64{"loss": s.value}
		}
		trials = append(trials, tr)
		st = append(st, trial.Status{Name: n, Index: s.index, Params: p, State: s.state})
	}
	return Input{Experiment: "search", Namespace: "ml", Table: ranking.Rank(trials, "loss", goal), Statuses: st}
}

var nan = math.NaN()

// searchTrials: index 4 failed after reporting a value, 6 is still
// running, 7 was stopped early, 8 succeeded without the metric.
var searchTrials = []searchTrial{
	{3, trial.Succeeded, 0.5}, {0, trial.Succeeded, 0.8}, {1, trial.Succeeded, 0.9},
	{2, trial.Succeeded, 0.6}, {4, trial.Failed, 0.1}, {5, trial.OOMKilled, nan},
	{6, trial.Running, 0.05}, {7, "EarlyStopped", 0.7}, {8, trial.Succeeded, nan}, {9, trial.Succeeded, 0.4},
}

// TestHistoryPoints: the finished trials in creation order, the failed
// ones marked and left out of the best so far, which follows the goal.
func TestHistoryPoints(t *testing.T) {
	type pt struct {
		Index  int
		Value  float64
		Failed bool
		Best   float64
	}
	got := func(goal ranking.Goal) []pt {
		var out []pt
		for _, p := range newModel(searchInput(goal, searchTrials)).history() {
			v := p.value
			if p.failed {
				v = 0 // not drawn
			}
			out = append(out, pt{p.index, v, p.failed, p.best})
		}
		return out
	}
	wantMin := []pt{{0, 0.8, false, 0.8}, {1, 0.9, false, 0.8}, {2, 0.6, false, 0.6}, {3, 0.5, false, 0.5},
		{4, 0, true, 0.5}, {5, 0, true, 0.5}, {7, 0.7, false, 0.5}, {9, 0.4, false, 0.4}}
	if diff := cmp.Diff(wantMin, got(ranking.Min)); diff != "" {
		t.Errorf("minimize (-want +got):\n%s", diff)
	}
	wantMax := []pt{{0, 0.8, false, 0.8}, {1, 0.9, false, 0.9}, {2, 0.6, false, 0.9}, {3, 0.5, false, 0.9},
		{4, 0, true, 0.9}, {5, 0, true, 0.9}, {7, 0.7, false, 0.9}, {9, 0.4, false, 0.9}}
	if diff := cmp.Diff(wantMax, got(ranking.Max)); diff != "" {
		t.Errorf("maximize (-want +got):\n%s", diff)
	}
	// a failed first trial has no best before it
	first := newModel(searchInput(ranking.Min, []searchTrial{{0, trial.Failed, nan}, {1, trial.Succeeded, 0.3}, {2, trial.Succeeded, 0.2}})).history()
	if len(first) != 3 || !math.IsNaN(first[0].best) || first[1].best != 0.3 || first[2].best != 0.2 {
		t.Errorf("history after a failed first trial: %+v", first)
	}
}

// TestHistoryPanel draws the history: one dot per finished trial with a
// value, a cross along the axis per failed trial, and the best so far as
// a step line that only goes down for a loss.
func TestHistoryPanel(t *testing.T) {
	page := render(t, searchInput(ranking.Min, searchTrials))
	if !strings.Contains(page, `<section id="history-section">`) {
		t.Fatal("no optimization history section")
	}
	h := docByLabel(t, docs(t, page), "optimization history of loss")
	if n := len(h.find("circle", "trial")); n != 6 {
		t.Errorf("%d dots, want 6 (succeeded or stopped, with a value)", n)
	}
	if n := len(h.find("polyline", "failed")); n != 2 {
		t.Errorf("%d failure marks, want 2", n)
	}
	for _, e := range h.find("", "trial") {
		if e.attr["data-t"] == "" {
			t.Errorf("<%s> of a trial without data-t: no hover", e.name)
		}
	}
	steps := h.find("polyline", "best-so-far")
	if len(steps) != 1 {
		t.Fatalf("%d best-so-far lines, want 1", len(steps))
	}
	var ys []float64
	for i, xy := range strings.Fields(steps[0].attr["points"]) {
		y, _ := strconv.ParseFloat(xy[strings.Index(xy, ",")+1:], 64)
		if i > 0 && y < ys[len(ys)-1] {
			t.Errorf("best so far of a loss rises on the page (gets worse) at point %d: %s", i, steps[0].attr["points"])
		}
		ys = append(ys, y)
	}
	if len(slices.Compact(ys)) != 4 { // 0.8, 0.6, 0.5, 0.4
		t.Errorf("best so far takes %d levels, want 4: %s", len(slices.Compact(ys)), steps[0].attr["points"])
	}
	// one finished value is not a history
	page = render(t, searchInput(ranking.Min, []searchTrial{{0, trial.Succeeded, 0.3}, {1, trial.Running, 0.2}, {2, trial.Failed, nan}}))
	if strings.Contains(page, `id="history-section"`) {
		t.Error("history drawn for one finished value")
	}
}

// TestEarlyStoppedCurves: an early-stopped trial's learning curve is grey
// and dashed, with a legend entry saying so; without one, no entry.
func TestEarlyStoppedCurves(t *testing.T) {
	in := searchInput(ranking.Min, searchTrials)
	for i := range in.Table.Rows {
		r := &in.Table.Rows[i]
		r.Curves = map[string][]ranking.CurvePoint{"loss": {{Step: 1, Value: 1}, {Step: 2, Value: ranking.Value(r.Value)}}}
	}
	c := docByLabel(t, docs(t, render(t, in)), "learning curves of loss")
	stopped := 0
	for _, e := range c.find("polyline", "trial") {
		if e.hasClass("stopped") {
			stopped++
			if e.attr["stroke"] != colNone || e.attr["stroke-dasharray"] == "" {
				t.Errorf("early-stopped curve %v: want grey and dashed", e.attr)
			}
		} else if e.attr["stroke-dasharray"] != "" {
			t.Errorf("curve %v is dashed", e.attr)
		}
	}
	if stopped != 1 {
		t.Errorf("%d early-stopped curves, want 1", stopped)
	}
	if !slices.Contains(c.texts("legend"), "early-stopped") {
		t.Errorf("no legend entry; legends %q", c.texts("legend"))
	}
	c = docByLabel(t, docs(t, render(t, seedInput())), "learning curves of val_accuracy")
	if len(c.texts("legend")) != 0 {
		t.Errorf("legend %q without early-stopped trials", c.texts("legend"))
	}
}
