package ranking

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// tr makes a trial with one metric m=v, or none when v is nil.
func tr(name string, state trial.State, metrics map[string]float64) Trial {
	return Trial{Name: name, State: state, Metrics: metrics}
}

func acc(v float64) map[string]float64 { return map[string]float64{"acc": v} }

// summary renders each row as "rank[*] name".
func summary(t *Table) []string {
	out := make([]string, len(t.Rows))
	for i, r := range t.Rows {
		mark := ""
		if r.Best {
			mark = "*"
		}
		out[i] = fmt.Sprintf("%d%s %s", r.Rank, mark, r.Name)
	}
	return out
}

func TestRank(t *testing.T) {
	nan := math.NaN()
	ok, fail, oom, run := trial.Succeeded, trial.Failed, trial.OOMKilled, trial.Running
	cases := map[string]struct {
		trials []Trial
		goal   Goal
		want   []string
	}{
		"max puts the largest first": {
			trials: []Trial{tr("a", ok, acc(0.5)), tr("b", ok, acc(0.9)), tr("c", ok, acc(0.7))},
			goal:   Max,
			want:   []string{"1* b", "2 c", "3 a"},
		},
		"min puts the smallest first": {
			trials: []Trial{tr("a", ok, acc(0.5)), tr("b", ok, acc(0.9)), tr("c", ok, acc(0.7))},
			goal:   Min,
			want:   []string{"1* a", "2 c", "3 b"},
		},
		"ties share a rank, keep input order and are all best": {
			trials: []Trial{tr("a", ok, acc(0.9)), tr("b", ok, acc(0.8)), tr("c", ok, acc(0.9)), tr("d", ok, acc(0.8))},
			goal:   Max,
			want:   []string{"1* a", "1* c", "3 b", "3 d"},
		},
		"NaN after numbers, missing last, both unranked": {
			trials: []Trial{tr("none", ok, nil), tr("nan", ok, acc(nan)), tr("a", ok, acc(0.1)), tr("other", ok, map[string]float64{"loss": 1})},
			goal:   Max,
			want:   []string{"1* a", "0 nan", "0 none", "0 other"},
		},
		"infinities rank at their ends": {
			trials: []Trial{tr("a", ok, acc(1)), tr("neg", ok, acc(math.Inf(-1))), tr("pos", ok, acc(math.Inf(1)))},
			goal:   Min,
			want:   []string{"1* neg", "2 a", "3 pos"},
		},
		"a failed trial ranks but is not best": {
			trials: []Trial{tr("ok", ok, acc(0.8)), tr("oom", oom, acc(0.95)), tr("fail", fail, acc(0.9))},
			goal:   Max,
			want:   []string{"1 oom", "2 fail", "3* ok"},
		},
		"a running trial can be best so far": {
			trials: []Trial{tr("ok", ok, acc(0.8)), tr("run", run, acc(0.85))},
			goal:   Max,
			want:   []string{"1* run", "2 ok"},
		},
		"no trial has the metric": {
			trials: []Trial{tr("b", ok, nil), tr("a", fail, nil)},
			goal:   Max,
			want:   []string{"0 b", "0 a"},
		},
		"only failed trials: no best": {
			trials: []Trial{tr("a", fail, acc(0.2))},
			goal:   Max,
			want:   []string{"1 a"},
		},
		"empty": {goal: Max, want: []string{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := summary(Rank(tc.trials, "acc", tc.goal))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRankDefaultGoalAndColumns(t *testing.T) {
	trials := []Trial{
		{Name: "a", Params: nil, Metrics: map[string]float64{"val_loss": 0.3, "acc": 0.7, "z": 1}},
		{Name: "b", Metrics: map[string]float64{"val_loss": 0.2}},
	}
	tab := Rank(trials, "val_loss", "")
	if tab.Goal != Min {
		t.Errorf("goal = %q, want min", tab.Goal)
	}
	if diff := cmp.Diff([]string{"1* b", "2 a"}, summary(tab)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"val_loss", "acc", "z"}, tab.MetricNames); diff != "" {
		t.Errorf("metric names (-want +got):\n%s", diff)
	}
}

func TestBest(t *testing.T) {
	tab := Rank([]Trial{tr("a", trial.Succeeded, acc(1)), tr("b", trial.Succeeded, acc(1)), tr("c", trial.Succeeded, acc(1))}, "acc", Max)
	best, tied := tab.Best()
	if best == nil || best.Name != "a" || tied != 2 {
		t.Errorf("Best() = %v, %d; want a, 2", best, tied)
	}
	if best, _ := Rank(nil, "acc", Max).Best(); best != nil {
		t.Errorf("Best() of no trials = %v, want nil", best)
	}
}
