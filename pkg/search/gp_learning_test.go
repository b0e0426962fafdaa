package search

import (
	"slices"
	"testing"
)

// braninSpace is Branin's domain.
var braninSpace = Space{
	{Name: "x", Type: Double, Min: -5, Max: 10},
	{Name: "y", Type: Double, Min: 0, Max: 15},
}

// bestOnBranin runs algorithm name with seed for budget trials in batches
// of 3 on Branin and returns the best value found.
func bestOnBranin(t *testing.T, name string, seed uint64, budget int) float64 {
	t.Helper()
	a, err := New(Config{Algorithm: name, Space: braninSpace, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	var trials []Trial
	best := 1e300
	for len(trials) < budget {
		sugs, err := a.Suggest(trials, min(3, budget-len(trials)))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugs {
			v := unitValues(s.Params)
			tr := Trial{Index: len(trials), Params: s.Params, State: Completed, Value: branin(v[0], v[1])}
			best = min(best, tr.Value)
			trials = append(trials, tr)
		}
	}
	return best
}

// On Branin, 40 trials in batches of 3 over 10 seeds, the Gaussian
// process's median best is clearly better than random search's.
func TestGPLearnsBranin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 100 fits of the process")
	}
	const seeds = 10
	var gp, random []float64
	for seed := range uint64(seeds) {
		gp = append(gp, bestOnBranin(t, "bayesianoptimization", seed, 40)-0.397887)
		random = append(random, bestOnBranin(t, "random", seed, 40)-0.397887)
	}
	slices.Sort(gp)
	slices.Sort(random)
	t.Logf("regret: bayesianoptimization %v, random %v", gp, random)
	gpMedian, randomMedian := (gp[4]+gp[5])/2, (random[4]+random[5])/2
	if gpMedian > randomMedian/10 {
		t.Errorf("median regret on Branin: bayesianoptimization %.4g, random %.4g: want at least 10 times better", gpMedian, randomMedian)
	}
}
