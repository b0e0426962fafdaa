package search

import (
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// maxDistinctDraws bounds the random draws distinct makes to replace one
// duplicate before it walks the space in order.
const maxDistinctDraws = 200

// distinct wraps an algorithm over a space of finitely many points (every
// parameter Categorical, Discrete, Int or stepped Double): a suggestion that
// repeats an earlier trial, finished or running, or an earlier suggestion of
// the same batch, is replaced by an unused point, drawn at random from the
// generator of its index (then taken in order if the draws keep hitting used
// points). Repeating a trial of a deterministic objective teaches nothing.
// When every point is used it returns ErrExhausted.
type distinct struct {
	Algorithm
	cfg  Config
	size float64 // points in the space
}

// withDistinct returns a wrapped for finite spaces, a itself otherwise.
func withDistinct(a Algorithm, cfg Config) Algorithm {
	size := cfg.Space.Size()
	if math.IsInf(size, 1) {
		return a
	}
	return &distinct{Algorithm: a, cfg: cfg, size: size}
}

// Suggest asks the wrapped algorithm, then replaces repeats.
func (d *distinct) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	used := make(map[string]bool, len(trials)+n)
	for i := range trials {
		used[Key(trials[i].Params)] = true
	}
	if float64(len(used)) >= d.size {
		return nil, ErrExhausted
	}
	if left := d.size - float64(len(used)); float64(n) > left {
		n = int(left)
	}
	sugs, err := d.Algorithm.Suggest(trials, n)
	if err != nil {
		return sugs, err
	}
	for i := range sugs {
		k := Key(sugs[i].Params)
		if used[k] {
			sugs[i].Params = d.unused(used, NextIndex(trials)+i)
			k = Key(sugs[i].Params)
		}
		used[k] = true
	}
	return sugs, nil
}

// unused returns a point of the space not in used; the caller knows one exists.
func (d *distinct) unused(used map[string]bool, index int) params.Params {
	rng := Rand(d.cfg.Seed^0xd15715c7, index)
	for range maxDistinctDraws {
		p := d.cfg.Space.Params(SampleAll(d.cfg.Space, rng))
		if !used[Key(p)] {
			return p
		}
	}
	var found params.Params
	d.cfg.Space.walk(func(vals []any) bool {
		p := d.cfg.Space.Params(vals)
		if !used[Key(p)] {
			found = p
			return false
		}
		return true
	})
	return found
}
