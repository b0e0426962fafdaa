package search

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

func init() { register("cmaes", newCMAESSearch) }

// The keys cmaes writes in a suggestion's Meta.
const (
	// metaCMAGeneration is the generation the trial was sampled from,
	// counted from 0 within its restart.
	metaCMAGeneration = "cmaes.generation"
	// metaCMARestart is the IPOP restart the trial belongs to (0 first).
	metaCMARestart = "cmaes.restart"
	// metaCMAPopsize is the population size of that restart.
	metaCMAPopsize = "cmaes.popsize"
)

// Salts that keep the generators of cmaes apart from random search's (the
// startup trials) and from each other.
const (
	cmaMemberSalt  = 0xc3a5c85c97cb3127
	cmaRestartSalt = 0x2545f4914f6cdd1d
)

// cmaesSearch is CMA-ES as Optuna 3.1's CmaEsSampler runs it over the
// cmaes library, with the IPOP restarts of Auger and Hansen ("A Restart
// CMA Evolution Strategy With Increasing Population Size", CEC 2005).
//
// It keeps no state: each Suggest rebuilds the optimizer by replaying, in
// order, every generation whose popsize members have completed (their Meta
// names the restart and generation), then samples the next members of the
// current generation, each from the generator of (seed, restart,
// generation, member). As Optuna:
//   - the first suggestions, until n_startup_trials trials have completed,
//     are drawn as random search does and take no part in the updates;
//   - int, double and stepped parameters are coordinates of the unit cube
//     (log scale for log distributions, widened by half a step each side
//     for int and stepped ones, as Optuna's transform does), the mean
//     starts at its center with step size sigma = 1/6 (Optuna's
//     min(range)/6 once every range is 1), values are snapped when
//     untransformed, and a completed trial is told as its snapped value;
//   - categorical and discrete parameters (Katib's goptuna service makes
//     discrete ones categorical) are drawn independently at random, as
//     Optuna's warn_independent_sampling path does;
//   - a generation is told once popsize of its members have completed,
//     the first popsize by index; a failed member is replaced by sampling
//     another member of the same generation. New suggestions always come
//     from the current generation, even when its running members would
//     complete it: a batch never waits, and members beyond popsize are not
//     told (Optuna's "wasted trials" in parallel runs).
//
// Settings, with Katib's names where Katib has them: random_state (read by
// the driver into the seed), sigma (the initial step size as a fraction of
// every parameter's range, 1/6 by default; Katib's goptuna takes it in the
// parameters' own units), restart_strategy (none or ipop; Katib's bipop is
// refused) and n_startup_trials (Optuna's, default 1; Katib's goptuna
// service uses 0).
type cmaesSearch struct {
	cfg      Config
	dims     []cmaDim
	sigma0   float64
	ipop     bool
	nStartup int
}

// cmaDim is one coordinate of the unit cube: parameter param, whose value
// x maps to (t(x) - lo) / (hi - lo) with t the log for log distributions.
type cmaDim struct {
	param  int
	lo, hi float64
	log    bool
}

func newCMAESSearch(cfg Config) (Algorithm, error) {
	s := NewSettings("cmaes", cfg.Settings)
	s.Int("random_state", 0, 0) // Katib's seed setting; the driver reads it into Config.Seed
	sigma := s.Float("sigma", 1.0/6, 1e-10, 10)
	restart := s.String("restart_strategy", "none", "none", "ipop")
	nStartup := s.Int("n_startup_trials", 1, 0)
	if err := s.Err(); err != nil {
		return nil, err
	}
	a := &cmaesSearch{cfg: cfg, sigma0: sigma, ipop: restart == "ipop", nStartup: nStartup}
	var names []string
	for i := range cfg.Space {
		if d, ok := cmaDimOf(&cfg.Space[i], i); ok {
			a.dims = append(a.dims, d)
			names = append(names, cfg.Space[i].Name)
		}
	}
	if len(a.dims) < 2 {
		// As Katib's goptuna service: the cmaes library needs two dimensions.
		return nil, fmt.Errorf("cmaes needs at least two int or double parameters with more than one value, the space has %d (%s)",
			len(a.dims), strings.Join(names, ", "))
	}
	return a, nil
}

// cmaDimOf returns the unit-cube coordinate of parameter p (index i of the
// space), or false when CMA-ES does not model it: a categorical or
// discrete parameter, or one with a single value.
func cmaDimOf(p *Param, i int) (cmaDim, bool) {
	if !p.Numeric() || p.Min == p.Max {
		return cmaDim{}, false
	}
	lo, hi := p.Min, p.Max
	step := p.Step
	if p.Type == Int {
		step = p.IntStep()
	}
	if step > 0 {
		if math.Floor((p.Max-p.Min)/step+1e-9) < 1 {
			return cmaDim{}, false
		}
		lo, hi = lo-step/2, hi+step/2
	}
	d := cmaDim{param: i, lo: lo, hi: hi, log: p.Dist.Log()}
	if d.log {
		d.lo, d.hi = math.Log(math.Max(lo, p.Min/2)), math.Log(hi)
	}
	return d, true
}

// unit maps value x of the dimension's parameter into [0, 1].
func (d cmaDim) unit(x float64) float64 {
	if d.log {
		x = math.Log(x)
	}
	return (x - d.lo) / (d.hi - d.lo)
}

// value maps u back to the parameter's units, before snapping.
func (d cmaDim) value(u float64) float64 {
	t := d.lo + u*(d.hi-d.lo)
	if d.log {
		return math.Exp(t)
	}
	return t
}

// Suggest samples n members of the current generation (or startup trials).
func (a *cmaesSearch) Suggest(trials []Trial, n int) ([]Suggestion, error) {
	completed := 0
	for i := range trials {
		if trials[i].State == Completed && trials[i].HasValue() {
			completed++
		}
	}
	out := make([]Suggestion, n)
	if completed < a.nStartup {
		for i := range out {
			rng := Rand(a.cfg.Seed, NextIndex(trials)+i)
			out[i] = Suggestion{Params: a.cfg.Space.Params(SampleAll(a.cfg.Space, rng))}
		}
		return out, nil
	}
	es, restart := a.replay(trials)
	members := 0
	for i := range trials {
		if r, g, ok := cmaMeta(&trials[i]); ok && r == restart && g == es.g {
			members++
		}
	}
	for i := range out {
		rng := a.memberRand(restart, es.g, members+i)
		u := es.ask(rng)
		vals := make([]any, len(a.cfg.Space))
		for j, d := range a.dims {
			vals[d.param] = d.value(u[j])
		}
		for j := range a.cfg.Space {
			if vals[j] == nil {
				vals[j] = Sample(&a.cfg.Space[j], rng)
			}
		}
		meta := map[string]string{metaCMAGeneration: strconv.Itoa(es.g)}
		if a.ipop {
			meta[metaCMARestart] = strconv.Itoa(restart)
			meta[metaCMAPopsize] = strconv.Itoa(es.popsize)
		}
		out[i] = Suggestion{Params: a.cfg.Space.Params(vals), Meta: meta}
	}
	return out, nil
}

// memberRand returns the generator of one member of a generation, so that
// a member's draws depend on nothing but the seed and where it stands.
func (a *cmaesSearch) memberRand(restart, generation, member int) *rand.Rand {
	return Rand(a.cfg.Seed^cmaMemberSalt^(uint64(restart)<<32|uint64(generation))*0xbf58476d1ce4e5b9, member)
}

// replay rebuilds the optimizer from the trials: it tells each generation,
// in order, its first popsize completed members, and with IPOP starts a
// restart with twice the population when a stopping criterion fires. It
// returns the optimizer and its restart number.
func (a *cmaesSearch) replay(trials []Trial) (*cmaES, int) {
	type gen struct{ restart, generation int }
	members := map[gen][]*Trial{}
	for i := range trials {
		t := &trials[i]
		if t.State != Completed || !t.HasValue() {
			continue
		}
		if r, g, ok := cmaMeta(t); ok {
			members[gen{r, g}] = append(members[gen{r, g}], t)
		}
	}
	restart := 0
	es := newCMAES(a.start(restart), a.sigma0, 0)
	for {
		ts := members[gen{restart, es.g}]
		sols := make([]cmaSolution, 0, len(ts))
		sort.Slice(ts, func(i, j int) bool { return ts[i].Index < ts[j].Index })
		for _, t := range ts {
			if x, ok := a.point(t); ok {
				sols = append(sols, cmaSolution{x: x, loss: a.cfg.Goal.Loss(t.Value)})
			}
			if len(sols) == es.popsize {
				break
			}
		}
		if len(sols) < es.popsize {
			return es, restart
		}
		es.tell(sols)
		if a.ipop && es.shouldStop() {
			restart++
			es = newCMAES(a.start(restart), a.sigma0, es.popsize*2)
		}
	}
}

// start returns the initial mean of a restart: the center of the cube
// first, then a uniform point, as Optuna's randomize_start_point.
func (a *cmaesSearch) start(restart int) []float64 {
	m := make([]float64, len(a.dims))
	var rng *rand.Rand
	if restart > 0 {
		rng = Rand(a.cfg.Seed^cmaRestartSalt, restart)
	}
	for i := range m {
		m[i] = 0.5
		if rng != nil {
			m[i] = rng.Float64()
		}
	}
	return m
}

// point returns a trial's parameters as a point of the unit cube.
func (a *cmaesSearch) point(t *Trial) ([]float64, bool) {
	x := make([]float64, len(a.dims))
	for j, d := range a.dims {
		name := a.cfg.Space[d.param].Name
		found := false
		for _, kv := range t.Params {
			if kv.Name == name {
				x[j], found = Float(kv.Value)
				break
			}
		}
		if !found {
			return nil, false
		}
		x[j] = d.unit(x[j])
	}
	return x, true
}

// cmaMeta reads a trial's restart and generation; false for a trial that
// cmaes did not sample from a generation (a startup trial).
func cmaMeta(t *Trial) (restart, generation int, ok bool) {
	g, err := strconv.Atoi(t.Meta[metaCMAGeneration])
	if err != nil || g < 0 {
		return 0, 0, false
	}
	if s, found := t.Meta[metaCMARestart]; found {
		if restart, err = strconv.Atoi(s); err != nil || restart < 0 {
			return 0, 0, false
		}
	}
	return restart, g, true
}
