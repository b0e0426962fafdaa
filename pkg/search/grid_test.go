package search

import (
	"errors"
	"testing"
)

// The grid is walked in order, first parameter slowest, one batch at a
// time, skipping points already taken, then it is exhausted.
func TestGridWalksInOrder(t *testing.T) {
	sp := Space{
		{Name: "act", Type: Categorical, Choices: []any{"relu", "tanh"}},
		{Name: "units", Type: Int, Min: 1, Max: 3},
	}
	a, err := New(Config{Algorithm: "grid", Space: sp})
	if err != nil {
		t.Fatal(err)
	}
	var trials []Trial
	var got []string
	for {
		sugs, err := a.Suggest(trials, 4)
		if errors.Is(err, ErrExhausted) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugs {
			got = append(got, s.Params.String())
			trials = append(trials, Trial{Index: len(trials), Params: s.Params, State: Completed})
		}
	}
	want := []string{"act=relu,units=1", "act=relu,units=2", "act=relu,units=3", "act=tanh,units=1", "act=tanh,units=2", "act=tanh,units=3"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("point %d: %s, want %s", i, got[i], want[i])
		}
	}
}

func TestGridNeedsSteps(t *testing.T) {
	_, err := New(Config{Algorithm: "grid", Space: Space{{Name: "lr", Type: Double, Min: 0, Max: 1}}})
	if err == nil || err.Error() != `grid needs a step for the double parameter "lr": it walks a finite grid` {
		t.Errorf("err = %v", err)
	}
}
