package search

import "testing"

// BenchmarkGPSuggest is one Suggest of a batch of 3 after 60 finished
// trials in a 6-dimensional space (Hartmann-6's).
func BenchmarkGPSuggest(b *testing.B) {
	space := unitSpace(6)
	trials := make([]Trial, 60)
	rnd, _ := New(Config{Algorithm: "random", Space: space, Seed: 1})
	sugs, _ := rnd.Suggest(nil, len(trials))
	for i := range trials {
		trials[i] = Trial{Index: i, Params: sugs[i].Params, State: Completed}
		trials[i].Value = hartmann6(unitValues(trials[i].Params))
	}
	a, err := New(Config{Algorithm: "bayesianoptimization", Space: space, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := a.Suggest(trials, 3); err != nil {
			b.Fatal(err)
		}
	}
}
