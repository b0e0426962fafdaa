package search

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

func init() { register("hyperband", newHyperband) }

// The keys hyperband writes in a suggestion's Meta.
const (
	// metaHBBracket is the trial's bracket s, from s_max down to 0.
	metaHBBracket = "hyperband.bracket"
	// metaHBRung is the trial's rung i in its bracket, from 0.
	metaHBRung = "hyperband.rung"
	// metaHBParent is the index of the trial of the rung below whose
	// configuration a promoted trial continues with more resource.
	metaHBParent = "hyperband.parent"
)

// maxHyperbandRedraws bounds the draws of a new configuration that repeats
// an earlier trial.
const maxHyperbandRedraws = 100

// hyperband is Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh and
// Talwalkar, "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
// Optimization", JMLR 18, 2018) with the schedule of Katib's hyperband
// service (pkg/suggestion/v1beta1/hyperband/service.py): s_max =
// floor(log_eta(r_l)); brackets s = s_max..0 run one after the other; a
// bracket's first rung draws n = ceil((s_max+1) eta^s / (s+1))
// configurations at random with resource int(r_l eta^-s); rung i+1 takes
// the best ceil(n_i / eta) of rung i, n_i = ceil(n eta^-i), with resource
// int(int(r_l eta^-s) eta^(i+1)) (Katib keeps the first rung's resource as
// an integer between calls, so later rungs multiply the truncated value).
//
// It keeps no state: each Suggest finds the first rung, in schedule order,
// that is not fully suggested, and suggests its missing trials once the
// rung below it has finished; it returns none while it waits. As in
// Katib, a bracket's first rung does not wait for the last rung of the
// bracket before it. Unlike
// Katib, which stops at a rung with a failed trial, a failed trial is
// never promoted and its rung still finishes; a rung with no trial to
// promote ends its bracket. For a Double resource the rung resources are
// not truncated to integers.
type hyperband struct {
	cfg      Config
	resource int // index of the resource parameter in the space
	eta, rl  float64
	sMax     int
}

func newHyperband(cfg Config) (Algorithm, error) {
	s := NewSettings("hyperband", cfg.Settings)
	s.Int("random_state", 0, 0) // Katib's seed setting; the driver reads it into Config.Seed
	name := s.String("resource_name", "")
	eta := s.Float("eta", 3, 1, math.Inf(1))
	rl := s.Float("r_l", 0, 1, math.Inf(1))
	if err := s.Err(); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, fmt.Errorf("hyperband needs the setting resource_name: the int or double parameter that says how much to train (epochs, say)")
	}
	p := cfg.Space.Param(name)
	if p == nil || !p.Numeric() {
		return nil, fmt.Errorf("setting resource_name of hyperband: %q is not an int or double parameter of the search space", name)
	}
	if eta <= 1 {
		return nil, fmt.Errorf("setting eta of hyperband: %v must be above 1", eta)
	}
	if _, set := cfg.Settings["r_l"]; !set {
		rl = p.Max
	}
	h := &hyperband{cfg: cfg, eta: eta, rl: rl}
	for i := range cfg.Space {
		if cfg.Space[i].Name == name {
			h.resource = i
		}
	}
	// As in Katib, the schedule sets the resource: the parameter's bounds
	// in the file do not limit it (Katib's own hyperband.yaml has
	// num-epochs in [1, 1] and r_l 2).
	h.sMax = int(math.Floor(math.Log(rl)/math.Log(eta) + 1e-9))
	return h, nil
}

// hbRung is one rung of a bracket: how many trials and with what resource.
type hbRung struct {
	n        int
	resource float64
}

// bracket returns the rungs of bracket s, as Katib's service computes them.
func (h *hyperband) bracket(s int) []hbRung {
	n := int(math.Ceil(float64(h.sMax+1)*math.Pow(h.eta, float64(s))/float64(s+1) - 1e-9))
	base := h.rl * math.Pow(h.eta, -float64(s))
	integer := h.cfg.Space[h.resource].Type == Int
	if integer {
		base = math.Floor(base + 1e-9)
	}
	rungs := make([]hbRung, s+1)
	for i := range rungs {
		r := base * math.Pow(h.eta, float64(i))
		if integer {
			r = math.Floor(r + 1e-9)
		}
		rungs[i] = hbRung{n: n, resource: r}
		if i > 0 {
			prev := int(math.Ceil(float64(n)*math.Pow(h.eta, -float64(i-1)) - 1e-9))
			rungs[i].n = int(math.Ceil(float64(prev)/h.eta - 1e-9))
		}
	}
	return rungs
}

// Suggest returns the missing trials of the first rung not fully
// suggested, none while the rung below it runs, ErrExhausted once the last
// bracket's only rung is suggested.
func (h *hyperband) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	type rungKey struct{ s, i int }
	rungs := map[rungKey][]*Trial{}
	for k := range trials {
		t := &trials[k]
		s, err1 := strconv.Atoi(t.Meta[metaHBBracket])
		i, err2 := strconv.Atoi(t.Meta[metaHBRung])
		if err1 == nil && err2 == nil {
			rungs[rungKey{s, i}] = append(rungs[rungKey{s, i}], t)
		}
	}
	for s := h.sMax; s >= 0; s-- {
		var below []*Trial // the finished rung under rung i
		for i, r := range h.bracket(s) {
			have := rungs[rungKey{s, i}]
			var top []*Trial
			want := r.n
			if i > 0 {
				top = h.best(below, r.n)
				want = len(top)
				if want == 0 {
					break // nothing to promote: the bracket ends
				}
			}
			if len(have) < want {
				return h.fill(trials, have, top, s, i, r, min(n, want-len(have))), nil
			}
			if i == s {
				break // the next bracket need not wait for this last rung
			}
			for _, t := range have {
				if !t.State.Finished() {
					return nil, nil
				}
			}
			below = have
		}
	}
	return nil, ErrExhausted
}

// best returns the k trials of rung with the best objective, goal-aware,
// earlier index first among equals; trials without a value are left out.
func (h *hyperband) best(rung []*Trial, k int) []*Trial {
	var done []*Trial
	for _, t := range rung {
		if t.HasValue() {
			done = append(done, t)
		}
	}
	sort.Slice(done, func(a, b int) bool {
		la, lb := h.cfg.Goal.Loss(done[a].Value), h.cfg.Goal.Loss(done[b].Value)
		if la != lb {
			return la < lb
		}
		return done[a].Index < done[b].Index
	})
	return done[:min(k, len(done))]
}

// fill makes count trials of rung i of bracket s: promotions of the trials
// of top not promoted yet, or, on the first rung, new random
// configurations that repeat no trial.
func (h *hyperband) fill(trials []Trial, have, top []*Trial, s, i int, r hbRung, count int) []Suggestion {
	meta := func() map[string]string {
		return map[string]string{metaHBBracket: strconv.Itoa(s), metaHBRung: strconv.Itoa(i)}
	}
	resource := h.resourceValue(r.resource)
	var out []Suggestion
	if i > 0 {
		promoted := map[string]bool{}
		for _, t := range have {
			promoted[t.Meta[metaHBParent]] = true
		}
		for _, t := range top {
			parent := strconv.Itoa(t.Index)
			if promoted[parent] || len(out) == count {
				continue
			}
			p := append(t.Params[:0:0], t.Params...)
			for k := range p {
				if p[k].Name == h.cfg.Space[h.resource].Name {
					p[k].Value = resource
				}
			}
			m := meta()
			m[metaHBParent] = parent
			out = append(out, Suggestion{Params: p, Meta: m})
		}
		return out
	}
	used := make(map[string]bool, len(trials)+count)
	for k := range trials {
		used[Key(trials[k].Params)] = true
	}
	for k := 0; k < count; k++ {
		rng := Rand(h.cfg.Seed, NextIndex(trials)+k)
		var vals []any
		for range maxHyperbandRedraws {
			vals = SampleAll(h.cfg.Space, rng)
			p := h.cfg.Space.Params(vals)
			p[h.resource].Value = resource
			if !used[Key(p)] {
				break
			}
		}
		p := h.cfg.Space.Params(vals)
		p[h.resource].Value = resource // unsnapped: the schedule's, not the bounds'
		used[Key(p)] = true
		out = append(out, Suggestion{Params: p, Meta: meta()})
	}
	return out
}

// resourceValue returns a rung's resource as the trial's parameter value:
// truncated to an integer for an Int parameter, as Katib's service does,
// and not limited to the parameter's bounds.
func (h *hyperband) resourceValue(x float64) any {
	if h.cfg.Space[h.resource].Type == Int {
		return int64(x)
	}
	return x
}
