package search

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func hbSpace() Space {
	return Space{
		{Name: "lr", Type: Double, Min: 1e-4, Max: 1e-1, Dist: LogUniform},
		{Name: "epochs", Type: Int, Min: 1, Max: 100},
		{Name: "opt", Type: Categorical, Choices: []any{"sgd", "adam"}},
	}
}

func newTestHyperband(t *testing.T, goal Goal, settings map[string]string) Algorithm {
	t.Helper()
	a, err := New(Config{Algorithm: "hyperband", Space: hbSpace(), Goal: goal, Seed: 5, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// hbCall is what one call of Katib's GetSuggestions makes: the bracket s,
// the rung i, how many trials and the resource they get.
type hbCall struct{ S, I, N, Resource int }

// The calls Katib's HyperbandService makes, printed by running its
// _make_bracket / HyperBandParam.convert / generate
// (pkg/suggestion/v1beta1/hyperband/service.py) with the two samplers
// replaced by lambdas that return [int(param.r)] * param.n for the first
// rung and [r_i] * top_trials_num for a promotion, feeding each call the
// settings the previous one generated until current_s < 0.
var katibSchedules = map[string][]hbCall{
	"r_l=9 eta=3": {{2, 0, 9, 1}, {2, 1, 3, 3}, {2, 2, 1, 9}, {1, 0, 5, 3}, {1, 1, 2, 9}, {0, 0, 3, 9}},
	"r_l=81 eta=3": {{4, 0, 81, 1}, {4, 1, 27, 3}, {4, 2, 9, 9}, {4, 3, 3, 27}, {4, 4, 1, 81},
		{3, 0, 34, 3}, {3, 1, 12, 9}, {3, 2, 4, 27}, {3, 3, 2, 81}, {2, 0, 15, 9}, {2, 1, 5, 27}, {2, 2, 2, 81},
		{1, 0, 8, 27}, {1, 1, 3, 81}, {0, 0, 5, 81}},
	"r_l=100 eta=3": {{4, 0, 81, 1}, {4, 1, 27, 3}, {4, 2, 9, 9}, {4, 3, 3, 27}, {4, 4, 1, 81},
		{3, 0, 34, 3}, {3, 1, 12, 9}, {3, 2, 4, 27}, {3, 3, 2, 81}, {2, 0, 15, 11}, {2, 1, 5, 33}, {2, 2, 2, 99},
		{1, 0, 8, 33}, {1, 1, 3, 99}, {0, 0, 5, 100}},
	"r_l=2 eta=2": {{1, 0, 2, 1}, {1, 1, 1, 2}, {0, 0, 2, 2}},
	"r_l=30 eta=2": {{4, 0, 16, 1}, {4, 1, 8, 2}, {4, 2, 4, 4}, {4, 3, 2, 8}, {4, 4, 1, 16},
		{3, 0, 10, 3}, {3, 1, 5, 6}, {3, 2, 3, 12}, {3, 3, 2, 24}, {2, 0, 7, 7}, {2, 1, 4, 14}, {2, 2, 2, 28},
		{1, 0, 5, 15}, {1, 1, 3, 30}, {0, 0, 5, 30}},
}

// Run to the end with every trial finishing, each Suggest makes one rung,
// with Katib's numbers of configurations and resources, then it is
// exhausted.
func TestHyperbandScheduleMatchesKatib(t *testing.T) {
	for name, want := range katibSchedules {
		var rl, eta string
		fmt.Sscanf(name, "r_l=%s eta=%s", &rl, &eta)
		a := newTestHyperband(t, Minimize, map[string]string{"resource_name": "epochs", "r_l": rl, "eta": eta})
		var got []hbCall
		var trials []Trial
		for len(got) < 50 {
			sugs, err := a.Suggest(trials, 1000)
			if errors.Is(err, ErrExhausted) {
				break
			}
			if err != nil || len(sugs) == 0 {
				t.Fatalf("%s: %d suggestions, err %v, after %d finished trials", name, len(sugs), err, len(trials))
			}
			c := hbCall{N: len(sugs)}
			fmt.Sscan(sugs[0].Meta[metaHBBracket], &c.S)
			fmt.Sscan(sugs[0].Meta[metaHBRung], &c.I)
			c.Resource = int(sugs[0].Params[1].Value.(int64))
			for _, s := range sugs {
				if s.Params[1].Value != sugs[0].Params[1].Value || s.Meta[metaHBRung] != sugs[0].Meta[metaHBRung] {
					t.Fatalf("%s: one call mixes rungs: %v", name, sugs)
				}
				tr := Trial{Index: len(trials), Params: s.Params, Meta: s.Meta, State: Completed}
				tr.Value = objective(&tr)
				trials = append(trials, tr)
			}
			got = append(got, c)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: schedule (-katib +got):\n%s", name, diff)
		}
	}
}

// hbFinish appends sugs as finished trials with values (a negative one
// fails), indexed from len(trials).
func hbFinish(trials []Trial, sugs []Suggestion, values ...float64) []Trial {
	for k, s := range sugs {
		tr := Trial{Index: len(trials), Params: s.Params, Meta: s.Meta, State: Completed, Value: values[k]}
		if values[k] < 0 {
			tr.State, tr.Value = Failed, 0
		}
		trials = append(trials, tr)
	}
	return trials
}

// With r_l=9 and eta=3 the first rung has 9 configurations; the second
// continues the best 3 by objective (per goal) with 3 epochs, never a
// failed one, each naming its parent; a rung waits for the one below.
func TestHyperbandPromotesBestThird(t *testing.T) {
	values := []float64{0.5, 0.9, 0.1, -1, 0.7, 0.3, 0.95, 0.2, 0.6} // -1: failed
	for goal, wantParents := range map[Goal][]string{Minimize: {"2", "7", "5"}, Maximize: {"6", "1", "4"}} {
		a := newTestHyperband(t, goal, map[string]string{"resource_name": "epochs", "r_l": "9"})
		first, err := a.Suggest(nil, 9)
		if err != nil || len(first) != 9 {
			t.Fatalf("%v: first rung: %d suggestions, err %v", goal, len(first), err)
		}
		trials := hbFinish(nil, first[:8], values[:8]...)
		trials = append(trials, Trial{Index: 8, Params: first[8].Params, Meta: first[8].Meta, State: Running})
		if sugs, err := a.Suggest(trials, 3); err != nil || len(sugs) != 0 {
			t.Fatalf("%v: with a first-rung trial running: %d suggestions, err %v; want none", goal, len(sugs), err)
		}
		trials[8].State, trials[8].Value = Completed, values[8]
		sugs, err := a.Suggest(trials, 2)
		if err != nil {
			t.Fatal(err)
		}
		more, _ := a.Suggest(hbFinish(trials, sugs, 0, 0), 3) // the rest of the rung, one at a time is fine
		sugs = append(sugs, more...)
		var parents []string
		for _, s := range sugs {
			parents = append(parents, s.Meta[metaHBParent])
			var parent Trial
			fmt.Sscan(s.Meta[metaHBParent], &parent.Index)
			parent = trials[parent.Index]
			if s.Params[1].Value != int64(3) || s.Params[0] != parent.Params[0] || s.Params[2] != parent.Params[2] {
				t.Errorf("%v: promotion %v of %v: want the same configuration with epochs=3", goal, s.Params, parent.Params)
			}
		}
		if diff := cmp.Diff(wantParents, parents); diff != "" {
			t.Errorf("%v: promoted (-want +got):\n%s", goal, diff)
		}
	}
}

// The next bracket starts without waiting for the last rung of the one
// before; once the last bracket is suggested the search is exhausted,
// even while its trials run.
func TestHyperbandExhaustion(t *testing.T) {
	a := newTestHyperband(t, Minimize, map[string]string{"resource_name": "epochs", "r_l": "2", "eta": "2"})
	rung0, _ := a.Suggest(nil, 5)
	trials := hbFinish(nil, rung0, 0.3, 0.1)
	top, _ := a.Suggest(trials, 5)
	if len(top) != 1 || top[0].Meta[metaHBParent] != "1" {
		t.Fatalf("promotion: %v", top)
	}
	trials = append(trials, Trial{Index: 2, Params: top[0].Params, Meta: top[0].Meta, State: Running})
	next, err := a.Suggest(trials, 5)
	if err != nil || len(next) != 2 || next[0].Meta[metaHBBracket] != "0" || next[0].Params[1].Value != int64(2) {
		t.Fatalf("bracket 0 while bracket 1's last rung runs: %v, err %v", next, err)
	}
	for _, s := range next {
		trials = append(trials, Trial{Index: len(trials), Params: s.Params, Meta: s.Meta, State: Running})
	}
	if sugs, err := a.Suggest(trials, 5); !errors.Is(err, ErrExhausted) || len(sugs) != 0 {
		t.Errorf("after the last bracket: %d suggestions, err %v; want ErrExhausted", len(sugs), err)
	}
}

func TestHyperbandRefusesSpaceWithoutResource(t *testing.T) {
	for settings, want := range map[string]string{
		"":                           "resource_name",
		"resource_name=steps":        `setting resource_name of hyperband: "steps" is not an int or double parameter`,
		"resource_name=opt":          `setting resource_name of hyperband: "opt" is not an int or double parameter`,
		"resource_name=epochs,eta=1": "setting eta of hyperband: 1 must be above 1",
	} {
		m := map[string]string{}
		for _, kv := range hbSplitSettings(settings) {
			m[kv[0]] = kv[1]
		}
		_, err := New(Config{Algorithm: "hyperband", Space: hbSpace(), Settings: m})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want it to say %q", settings, err, want)
		}
	}
}

// hbSplitSettings reads "a=1,b=2".
func hbSplitSettings(s string) [][2]string {
	var out [][2]string
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// As in Katib, the schedule sets the resource, whatever the parameter's
// bounds: Katib's own hyperband.yaml has num-epochs in [1, 1] and r_l 2.
func TestHyperbandResourceIgnoresBounds(t *testing.T) {
	sp := hbSpace()
	sp[1].Min, sp[1].Max = 1, 1
	a, err := New(Config{Algorithm: "hyperband", Space: sp, Settings: map[string]string{"resource_name": "epochs", "r_l": "2", "eta": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	sugs, err := a.Suggest(nil, 1)
	if err != nil || len(sugs) != 1 {
		t.Fatalf("%v, %v", sugs, err)
	}
	// Bracket s_max = 1 starts with resource int(2 * 2^-1) = 1; promoted
	// trials run with 2, beyond the parameter's max.
	if v, _ := sugs[0].Params.Get("epochs"); v != int64(1) {
		t.Errorf("first rung trains with epochs=%v, want 1", v)
	}
	sp[1].Min, sp[1].Max = 5, 5
	b, _ := New(Config{Algorithm: "hyperband", Space: sp, Settings: map[string]string{"resource_name": "epochs", "r_l": "2", "eta": "2"}})
	if sugs, _ := b.Suggest(nil, 1); len(sugs) != 1 {
		t.Fatalf("%v", sugs)
	} else if v, _ := sugs[0].Params.Get("epochs"); v != int64(1) {
		t.Errorf("a rung below the parameter's min trains with epochs=%v, want 1 (not clipped)", v)
	}
}
