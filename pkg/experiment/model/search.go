package model

import (
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// DefaultParallel is the number of trials an adaptive search runs at once
// when the file does not say: Katib's default parallelTrialCount.
const DefaultParallel = 3

// NoLimit is MaxFailed when the file sets no maxFailedTrialCount.
const NoLimit = -1

// Search is an adaptive search: an algorithm of package search suggests
// the trials as earlier ones finish, and a driver creates them. An
// Experiment has one when its file asks for an algorithm that learns (tpe,
// cmaes, ...) or for early stopping, or when a grid or random search is
// driven (Options.Drive).
type Search struct {
	// Algorithm is the name search.New knows it by (Katib's algorithmName).
	Algorithm string
	// Settings are the algorithm's settings by name, as strings (Katib's
	// algorithmSettings); checked by search.New when the file is read.
	Settings map[string]string
	// Seed makes the search deterministic: Katib's random_state setting
	// where the file gives it, else SeedOf(the experiment's name).
	Seed uint64
	// Space holds the parameters, in the file's order.
	Space     search.Space
	Objective Objective
	// Parallel is how many trials run at once (Katib's parallelTrialCount,
	// DefaultParallel when unset); the first batch has this many.
	Parallel int
	// MaxTrials is how many trials the search creates in all
	// (maxTrialCount); 0 for no limit.
	MaxTrials int
	// MaxFailed is how many trials may fail before the search stops
	// (maxFailedTrialCount); NoLimit when unset.
	MaxFailed int
	// EarlyStopping stops running trials that fall behind; nil for none.
	EarlyStopping *EarlyStopping
	// Pos is where the file names the algorithm.
	Pos Pos
}

// Objective is what an adaptive search optimizes.
type Objective struct {
	Metric string      // the metric, as the log prints it (Katib's objectiveMetricName)
	Goal   search.Goal // whether a larger or a smaller value is better
	// Target ends the search once a trial reaches it (Katib's
	// objective.goal); nil for none.
	Target *float64
	// Additional are the other metrics recorded (additionalMetricNames).
	Additional []string
	// Strategies say which of its logged values stands for a trial, by
	// metric: "min", "max" or "latest" (Katib's metricStrategies, with its
	// defaults: the goal's for every metric without one).
	Strategies map[string]string
}

// Strategy returns the strategy of the objective metric.
func (o *Objective) Strategy() string { return o.Strategies[o.Metric] }

// DefaultStrategy is Katib's strategy for a metric the file gives none:
// min when minimizing, max when maximizing.
func DefaultStrategy(g search.Goal) string {
	if g == search.Maximize {
		return "max"
	}
	return "min"
}

// Strategies are the metric strategies Katib knows.
var Strategies = []string{"min", "max", "latest"}

// EarlyStopping is the rule that stops trials early (Katib's
// earlyStopping).
type EarlyStopping struct {
	Algorithm string            // the name search.NewStopper knows it by
	Settings  map[string]string // checked by search.NewStopper when the file is read
	Pos       Pos
}

// SeedOf returns the seed of a search whose file gives none: the 64-bit
// FNV-1a hash of the experiment's name shifted right by one (so that it
// reads back as a YAML integer), so that the same experiment always makes
// the same suggestions and two experiments differ.
func SeedOf(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64() >> 1
}

// Config returns what search.New builds the algorithm from.
func (s *Search) Config() search.Config {
	return search.Config{Algorithm: s.Algorithm, Space: s.Space, Goal: s.Objective.Goal, Seed: s.Seed, Settings: s.Settings}
}

// StopperConfig returns what search.NewStopper builds the early-stopping
// rule from; false when the search has none.
func (s *Search) StopperConfig() (search.StopperConfig, bool) {
	if s.EarlyStopping == nil {
		return search.StopperConfig{}, false
	}
	return search.StopperConfig{Algorithm: s.EarlyStopping.Algorithm, Goal: s.Objective.Goal, Settings: s.EarlyStopping.Settings}, true
}

// Check builds the algorithm and the early-stopping rule, so that an
// unknown algorithm or a bad setting is found when the file is read.
func (s *Search) Check() error {
	if _, err := search.New(s.Config()); err != nil {
		return err
	}
	if cfg, ok := s.StopperConfig(); ok {
		if _, err := search.NewStopper(cfg); err != nil {
			return err
		}
	}
	return nil
}

// FirstBatch returns the trials a search starts with, before any has
// finished: the algorithm's first Parallel suggestions (fewer when
// MaxTrials is lower), as explicit rows of a parameter space, row i being
// suggestion i. Rendering that space gives the Jobs submit creates first.
func (s *Search) FirstBatch(file string) (space.Space, error) {
	sp := space.Space{File: file, Pos: s.Pos}
	alg, err := search.New(s.Config())
	if err != nil {
		return sp, err
	}
	n := s.Parallel
	if s.MaxTrials > 0 && s.MaxTrials < n {
		n = s.MaxTrials
	}
	sugg, err := alg.Suggest(nil, n)
	if err != nil {
		return sp, fmt.Errorf("algorithm %s: %w", s.Algorithm, err)
	}
	for _, sg := range sugg {
		row := space.Row{Pos: s.Pos}
		for i, p := range sg.Params {
			row.Names = append(row.Names, p.Name)
			row.Values = append(row.Values, space.Value{V: p.Value, Text: ValueText(&s.Space[i], p.Value), Pos: s.Pos})
		}
		sp.List = append(sp.List, row)
	}
	return sp, nil
}

// ValueText writes a suggested value as a trial receives it: an integer,
// a double as Python prints it (as Katib substitutes it), a choice as the
// file writes it.
func ValueText(p *search.Param, v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if p.Type == search.Double {
			return FormatDouble(x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return params.Format(v)
}
