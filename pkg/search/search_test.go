package search

import (
	"math"
	"testing"
)

func testSpace() Space {
	return Space{
		{Name: "lr", Type: Double, Min: 1e-4, Max: 1e-1, Dist: LogUniform},
		{Name: "layers", Type: Int, Min: 1, Max: 8},
		{Name: "dropout", Type: Double, Min: 0.1, Max: 0.5, Step: 0.05},
		{Name: "opt", Type: Categorical, Choices: []any{"sgd", "adam", "ftrl"}},
	}
}

// Random search is deterministic for a seed, stays in the space and
// does not depend on how many suggestions are asked for at once.
func TestRandomDeterministicAndFeasible(t *testing.T) {
	a, err := New(Config{Algorithm: "random", Space: testSpace(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	six, _ := a.Suggest(nil, 6)
	var one []Suggestion
	var seen []Trial
	for i := 0; i < 6; i++ {
		s, _ := a.Suggest(seen, 1)
		one = append(one, s...)
		seen = append(seen, Trial{Index: i, Params: s[0].Params, State: Running, Value: math.NaN()})
	}
	for i := range six {
		if Key(six[i].Params) != Key(one[i].Params) {
			t.Errorf("suggestion %d: %v in a batch, %v one by one", i, six[i].Params, one[i].Params)
		}
		checkFeasible(t, testSpace(), six[i])
	}
}

func checkFeasible(t *testing.T, s Space, sg Suggestion) {
	t.Helper()
	if len(sg.Params) != len(s) {
		t.Fatalf("%v: want %d parameters", sg.Params, len(s))
	}
	for i, p := range s {
		v := sg.Params[i].Value
		if sg.Params[i].Name != p.Name {
			t.Errorf("parameter %d is %q, want %q", i, sg.Params[i].Name, p.Name)
		}
		if p.Numeric() {
			f, ok := Float(v)
			if !ok || f < p.Min || f > p.Max || p.Snap(f) != f {
				t.Errorf("%s=%v is outside [%v, %v] or off its step", p.Name, v, p.Min, p.Max)
			}
			if _, isInt := v.(int64); isInt != (p.Type == Int) {
				t.Errorf("%s=%v (%T): wrong type for %v", p.Name, v, v, p.Type)
			}
		} else if p.ChoiceIndex(v) < 0 {
			t.Errorf("%s=%v is not a choice", p.Name, v)
		}
	}
}

func TestSettingsRefuseUnknownNames(t *testing.T) {
	_, err := New(Config{Algorithm: "random", Space: testSpace(), Settings: map[string]string{"n_startup": "3"}})
	if err == nil || err.Error() != "unknown setting n_startup for algorithm random: want random_state" {
		t.Errorf("err = %v", err)
	}
}

func TestSnap(t *testing.T) {
	p := Param{Name: "d", Type: Double, Min: 0.1, Max: 0.5, Step: 0.05}
	for in, want := range map[float64]float64{0.0: 0.1, 0.19: 0.2, 0.6: 0.5, 0.26: 0.25} {
		if got := p.Snap(in); got != want {
			t.Errorf("Snap(%v) = %v, want %v", in, got, want)
		}
	}
}

// A trial deleted by hand leaves a gap: the next suggestion takes the
// index after the largest, and draws as that index.
func TestNextIndexSkipsGaps(t *testing.T) {
	trials := []Trial{{Index: 0}, {Index: 5, State: Completed}, {Index: 2}}
	if got := NextIndex(trials); got != 6 {
		t.Errorf("NextIndex = %d, want 6", got)
	}
	a, _ := New(Config{Algorithm: "random", Space: testSpace(), Seed: 3})
	withGap, _ := a.Suggest(trials, 1)
	want := testSpace().Params(SampleAll(testSpace(), Rand(3, 6)))
	if Key(withGap[0].Params) != Key(want) {
		t.Errorf("suggestion %v, want the draw of index 6 %v", withGap[0].Params, want)
	}
}
