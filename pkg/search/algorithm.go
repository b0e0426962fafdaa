package search

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// Suggestion is one new trial an algorithm proposes.
type Suggestion struct {
	// Params are the trial's parameters, one per parameter of the space, in
	// the space's order (Space.Params builds them).
	Params params.Params
	// Meta is what the algorithm needs to find again on the trial once it
	// runs (a Hyperband bracket and rung, a CMA-ES generation): short
	// keys and values, stored as an annotation of the trial's Job and
	// handed back in Trial.Meta.
	Meta map[string]string
}

// ErrExhausted is returned by Suggest when the algorithm has nothing left to
// propose (every Sobol point or Hyperband bracket used up): the search ends
// when its running trials finish.
var ErrExhausted = errors.New("the algorithm has no trial left to propose")

// Algorithm proposes new trials from the trials seen so far.
type Algorithm interface {
	// Suggest returns at most n new suggestions, given every trial of the
	// search so far (finished and running, in any order); the new
	// suggestions take the indices from NextIndex(trials) on. It may
	// return fewer than n, even none, when it must wait for running trials
	// (a Hyperband rung); ErrExhausted when it has nothing left. It must not
	// keep state between calls: the same trials give the same suggestions.
	Suggest(trials []Trial, n int) ([]Suggestion, error)
}

// Config is what every algorithm is built from.
type Config struct {
	// Algorithm is Katib's algorithmName: random, tpe, multivariate-tpe,
	// bayesianoptimization, cmaes, sobol or hyperband.
	Algorithm string
	Space     Space
	Goal      Goal
	// Seed makes the search deterministic; the same seed, space and trials
	// give the same suggestions.
	Seed uint64
	// Settings are the algorithm's settings by name, as Katib's
	// algorithmSettings give them (strings). Unknown names are an error
	// that lists the known ones.
	Settings map[string]string
}

// constructor builds one algorithm from its config.
type constructor func(Config) (Algorithm, error)

// algorithms maps an algorithm name to its constructor; each algorithm's
// file registers itself in an init function.
var algorithms = map[string]constructor{}

// register adds an algorithm under name; a second registration panics.
func register(name string, c constructor) {
	if _, dup := algorithms[name]; dup {
		panic("search: algorithm " + name + " registered twice")
	}
	algorithms[name] = c
}

// Algorithms returns the names of the known algorithms, sorted.
func Algorithms() []string {
	out := make([]string, 0, len(algorithms))
	for n := range algorithms {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// New builds the algorithm cfg.Algorithm names. It checks the space and the
// settings: an unknown setting or a bad value is an error naming it.
func New(cfg Config) (Algorithm, error) {
	c, ok := algorithms[cfg.Algorithm]
	if !ok {
		return nil, fmt.Errorf("unknown algorithm %q: want one of %s", cfg.Algorithm, strings.Join(Algorithms(), ", "))
	}
	if err := cfg.Space.Validate(); err != nil {
		return nil, err
	}
	a, err := c(cfg)
	if err != nil {
		return nil, err
	}
	return withDistinct(a, cfg), nil
}

// pcgStream is the second PCG seed word of every algorithm's generator, so
// the seed alone decides the draws.
const pcgStream = 0x6d6c657870736561 // "mlexpsea"

// Rand returns the generator of suggestion index: seeded by the search's
// seed and the index, so a suggestion's random draws do not depend on how
// many suggestions were asked for at once, or on the machine.
func Rand(seed uint64, index int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^uint64(index)*0x9e3779b97f4a7c15, pcgStream))
}
