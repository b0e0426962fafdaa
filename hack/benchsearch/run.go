package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// Constructor builds one of our algorithms: search.New in the binary, a
// fake in tests (the search package registers only its own).
type Constructor func(search.Config) (search.Algorithm, error)

// StopperConstructor builds an early-stopping rule: search.NewStopper in
// the binary, a fake in tests.
type StopperConstructor func(search.StopperConfig) (search.Stopper, error)

// searchResult is one search: one algorithm, one function, one seed.
type searchResult struct {
	// Values are the objective values of trials 1..len, in suggestion order.
	Values []float64
	// Exhausted is set when the algorithm returned ErrExhausted before the
	// budget was spent.
	Exhausted bool
}

// searchRun drives alg on f for budget trials in batches of batch, as a driver
// with parallelTrialCount batch does when trials take equally long: ask for
// batch suggestions, evaluate them, hand all of them back as Completed,
// ask again.
func searchRun(alg search.Algorithm, f Function, budget, batch int) (searchResult, error) {
	var run searchResult
	var trials []search.Trial
	for len(trials) < budget {
		sugs, err := alg.Suggest(trials, min(batch, budget-len(trials)))
		if errors.Is(err, search.ErrExhausted) {
			run.Exhausted = true
			break
		}
		if err != nil {
			return run, fmt.Errorf("suggestion %d: %w", len(trials), err)
		}
		if len(sugs) == 0 {
			return run, fmt.Errorf("no suggestion after %d trials, none of them running", len(trials))
		}
		for _, s := range sugs {
			v := f.Eval(s.Params)
			trials = append(trials, search.Trial{
				Index: len(trials), Params: s.Params, State: search.Completed,
				Value: v, Curve: []search.Step{{Step: 1, Value: v}}, Meta: s.Meta,
			})
			run.Values = append(run.Values, v)
		}
	}
	return run, nil
}

// BestSoFar returns the simple regret after each trial 1..n: the best value
// among the first k trials minus min. A run that ended early keeps its last
// best; one with no trial at all is NaN throughout.
func BestSoFar(values []float64, min float64, n int) []float64 {
	out := make([]float64, n)
	best := math.Inf(1)
	for k := range out {
		if k < len(values) && values[k] < best {
			best = values[k]
		}
		out[k] = best - min
		if math.IsInf(best, 1) {
			out[k] = math.NaN()
		}
	}
	return out
}
