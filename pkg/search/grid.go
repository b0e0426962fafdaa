package search

import "fmt"

func init() { register("grid", newGrid) }

// gridSearch walks every point of a finite space in order, the first
// parameter varying slowest (as an all-at-once grid expands, and as
// Katib's grid service walks it), one batch at a time: what `submit
// --drive` of a grid runs, and a grid with early stopping.
type gridSearch struct {
	cfg Config
}

func newGrid(cfg Config) (Algorithm, error) {
	s := NewSettings("grid", cfg.Settings)
	if err := s.Err(); err != nil {
		return nil, err
	}
	for i := range cfg.Space {
		if cfg.Space[i].Points() == nil {
			return nil, fmt.Errorf("grid needs a step for the double parameter %q: it walks a finite grid", cfg.Space[i].Name)
		}
	}
	return &gridSearch{cfg: cfg}, nil
}

// Suggest returns the next n points of the grid that no trial has taken.
func (g *gridSearch) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	used := make(map[string]bool, len(trials))
	for i := range trials {
		used[Key(trials[i].Params)] = true
	}
	var out []Suggestion
	g.cfg.Space.walk(func(vals []any) bool {
		p := g.cfg.Space.Params(vals)
		if !used[Key(p)] {
			out = append(out, Suggestion{Params: p})
		}
		return len(out) < n
	})
	if len(out) == 0 && n > 0 {
		return nil, ErrExhausted
	}
	return out, nil
}
