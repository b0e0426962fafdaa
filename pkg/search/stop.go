package search

import (
	"fmt"
	"sort"
	"strings"
)

// Stop is a running trial that an early-stopping rule stops, and why.
type Stop struct {
	Index  int
	Reason string // one sentence for status and describe
}

// Stopper decides which running trials to stop early.
type Stopper interface {
	// Stop returns the running trials among trials to stop now; like
	// Suggest, it keeps no state between calls.
	Stop(trials []Trial) []Stop
}

// StopperConfig is what an early-stopping rule is built from.
type StopperConfig struct {
	// Algorithm is Katib's earlyStopping algorithmName: medianstop.
	Algorithm string
	Goal      Goal
	Settings  map[string]string
}

// stopperConstructor builds one early-stopping rule from its config.
type stopperConstructor func(StopperConfig) (Stopper, error)

// stoppers maps an early-stopping algorithm name to its constructor; each
// rule's file registers itself in an init function.
var stoppers = map[string]stopperConstructor{}

// registerStopper adds an early-stopping rule under name.
func registerStopper(name string, c stopperConstructor) {
	if _, dup := stoppers[name]; dup {
		panic("search: early stopping " + name + " registered twice")
	}
	stoppers[name] = c
}

// Stoppers returns the names of the known early-stopping rules, sorted.
func Stoppers() []string {
	out := make([]string, 0, len(stoppers))
	for n := range stoppers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// NewStopper builds the early-stopping rule cfg.Algorithm names.
func NewStopper(cfg StopperConfig) (Stopper, error) {
	c, ok := stoppers[cfg.Algorithm]
	if !ok {
		return nil, fmt.Errorf("unknown early stopping algorithm %q: want one of %s", cfg.Algorithm, strings.Join(Stoppers(), ", "))
	}
	return c(cfg)
}
