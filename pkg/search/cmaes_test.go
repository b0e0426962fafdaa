package search

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// Two hand-made generations told to the cmaes library (0.9.1, Optuna 3.1's
// backend) in 3 dimensions; the state after each, printed by:
//
//	import numpy as np
//	from cmaes import CMA
//	np.set_printoptions(precision=17)
//	opt = CMA(mean=np.full(3, 0.5), sigma=1/6, bounds=np.array([[0.0, 1.0]]*3), seed=1)
//	for g in gens:  # libraryGenerations below, as lists of (x, value)
//	    opt.tell([(np.array(x), f) for x, f in g])
//	    print(list(opt._mean), opt._sigma, [list(r) for r in opt._C],
//	          list(opt._p_sigma), list(opt._pc))
var libraryGenerations = [][]cmaSolution{
	{{[]float64{0.40, 0.55, 0.62}, 3.1}, {[]float64{0.71, 0.42, 0.48}, 1.7}, {[]float64{0.52, 0.33, 0.59}, 2.4},
		{[]float64{0.28, 0.61, 0.45}, 4.0}, {[]float64{0.66, 0.58, 0.31}, 1.7}, {[]float64{0.45, 0.47, 0.70}, 5.2},
		{[]float64{0.58, 0.29, 0.52}, 0.9}},
	{{[]float64{0.62, 0.41, 0.50}, 1.2}, {[]float64{0.80, 0.30, 0.44}, 0.4}, {[]float64{0.55, 0.52, 0.61}, 2.2},
		{[]float64{0.70, 0.36, 0.35}, 0.8}, {[]float64{0.49, 0.25, 0.57}, 1.9}, {[]float64{0.75, 0.45, 0.40}, 0.7},
		{[]float64{0.58, 0.38, 0.66}, 2.6}},
}

var libraryStates = []struct {
	mean, pSigma, pc []float64
	sigma            float64
	c                [][]float64
}{{
	mean:   []float64{0.6277895191419629, 0.3633113105913869, 0.4827653064203807},
	sigma:  0.1599531926661451,
	c:      [][]float64{{0.9827993718189908, -0.08246779384564423, 0.024839708582635962}, {-0.08246779384564423, 1.1061638301777381, 0.026172183330909055}, {0.024839708582635962, 0.026172183330909055, 0.788381370081169}},
	pSigma: []float64{0.9336959608519874, -0.9987178764887048, -0.12592553669394027},
	pc:     []float64{1.0332194953106406, -1.1051721583563257, -0.13934805860240815},
}, {
	mean:   []float64{0.7732056383137206, 0.3512153234023535, 0.41734918724862297},
	sigma:  0.16902961361720398,
	c:      [][]float64{{1.2168624198046247, -0.17075447780820882, -0.017085667101435775}, {-0.17075447780820874, 1.0313043948770948, 0.011685179665761408}, {-0.017085667101435775, 0.011685179665761394, 0.637557406183217}},
	pSigma: []float64{1.6704426729105843, -0.6210822909403642, -0.6512613072501702},
	pc:     []float64{1.6809387218040208, -0.5895052637328777, -0.6125897694666346},
}}

func TestCMAESTellMatchesLibrary(t *testing.T) {
	es := newCMAES([]float64{0.5, 0.5, 0.5}, 1.0/6, 0)
	if es.popsize != 7 {
		t.Fatalf("popsize %d, want 4+floor(3 ln 3) = 7", es.popsize)
	}
	const tol = 1e-12
	for g, sols := range libraryGenerations {
		es.tell(sols)
		want := libraryStates[g]
		if !floats.EqualApprox(es.mean, want.mean, tol) {
			t.Errorf("generation %d: mean %v, want %v", g, es.mean, want.mean)
		}
		if math.Abs(es.sigma-want.sigma) > tol {
			t.Errorf("generation %d: sigma %v, want %v", g, es.sigma, want.sigma)
		}
		if !floats.EqualApprox(es.pSigma, want.pSigma, tol) || !floats.EqualApprox(es.pc, want.pc, tol) {
			t.Errorf("generation %d: paths %v %v, want %v %v", g, es.pSigma, es.pc, want.pSigma, want.pc)
		}
		for i := range want.c {
			for j := range want.c[i] {
				if math.Abs(es.c.At(i, j)-want.c[i][j]) > tol {
					t.Errorf("generation %d: C[%d][%d] = %v, want %v", g, i, j, es.c.At(i, j), want.c[i][j])
				}
			}
		}
	}
}

// cmaDrive runs algorithm a on f for budget trials in batches of batch,
// finishing each batch before the next, and returns the trials.
func cmaDrive(t *testing.T, a Algorithm, f func(params []float64) float64, budget, batch int) []Trial {
	t.Helper()
	var trials []Trial
	for len(trials) < budget {
		sugs, err := a.Suggest(trials, min(batch, budget-len(trials)))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugs {
			x := make([]float64, len(s.Params))
			for i, kv := range s.Params {
				x[i], _ = Float(kv.Value)
			}
			trials = append(trials, Trial{Index: len(trials), Params: s.Params, Meta: s.Meta, State: Completed, Value: f(x)})
		}
	}
	return trials
}

func newTestCMAES(t *testing.T, sp Space, seed uint64, settings map[string]string) *cmaesSearch {
	t.Helper()
	a, err := newCMAESSearch(Config{Algorithm: "cmaes", Space: sp, Seed: seed, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	return a.(*cmaesSearch)
}

// On a sphere and on Branin the mean moves from the center of the cube to
// within a small distance of an optimum.
func TestCMAESMeanMovesToOptimum(t *testing.T) {
	sphereOpt := []float64{0.8, 0.25, 0.6}
	sphere := Space{
		{Name: "a", Type: Double, Min: 0, Max: 1},
		{Name: "b", Type: Double, Min: 0, Max: 1},
		{Name: "c", Type: Double, Min: 0, Max: 1},
	}
	braninSpace := Space{{Name: "x", Type: Double, Min: -5, Max: 10}, {Name: "y", Type: Double, Min: 0, Max: 15}}
	// Branin's three minima, in the unit square.
	braninOpts := [][]float64{{(5 - math.Pi) / 15, 12.275 / 15}, {(5 + math.Pi) / 15, 2.275 / 15}, {(5 + 9.42478) / 15, 2.475 / 15}}
	cases := map[string]struct {
		space  Space
		f      func([]float64) float64
		optima [][]float64
		budget int
	}{
		"sphere": {sphere, func(x []float64) float64 { return cmaSquare(floats.Distance(x, sphereOpt, 2)) }, [][]float64{sphereOpt}, 150},
		"branin": {braninSpace, func(x []float64) float64 { return branin(x[0], x[1]) }, braninOpts, 150},
	}
	for name, c := range cases {
		for seed := uint64(1); seed <= 5; seed++ {
			a := newTestCMAES(t, c.space, seed, nil)
			trials := cmaDrive(t, a, c.f, c.budget, 3)
			es, _ := a.replay(trials)
			dist, start := math.Inf(1), math.Inf(1)
			for _, o := range c.optima {
				dist = math.Min(dist, floats.Distance(es.mean, o, 2))
				start = math.Min(start, floats.Distance(a.start(0), o, 2))
			}
			if dist > 0.1 {
				t.Errorf("%s seed %d: mean %v is %.3f from the nearest optimum after %d trials (%d generations), %.3f at the start",
					name, seed, es.mean, dist, c.budget, es.g, start)
			}
		}
	}
}

// A flat objective fires the tolfun criterion after 10+ceil(30n/popsize)
// generations; with IPOP the search restarts with twice the population
// from a random mean, and says so in Meta.
func TestCMAESIPOPRestartDoublesPopulation(t *testing.T) {
	sp := Space{{Name: "x", Type: Double, Min: 0, Max: 1}, {Name: "y", Type: Double, Min: 0, Max: 1}}
	flat := func([]float64) float64 { return 1 }
	a := newTestCMAES(t, sp, 3, map[string]string{"restart_strategy": "ipop", "n_startup_trials": "0"})
	// popsize 6, funhist term 10+ceil(60/6) = 20: the criterion first
	// fires after generation 21, that is after 126 trials.
	trials := cmaDrive(t, a, flat, 126+12, 6)
	for i, tr := range trials {
		wantRestart, wantPop, wantGen := "0", "6", strconv.Itoa(i/6)
		if i >= 126 {
			wantRestart, wantPop, wantGen = "1", "12", "0"
		}
		if tr.Meta[metaCMARestart] != wantRestart || tr.Meta[metaCMAPopsize] != wantPop || tr.Meta[metaCMAGeneration] != wantGen {
			t.Fatalf("trial %d: meta %v, want restart %s popsize %s generation %s", i, tr.Meta, wantRestart, wantPop, wantGen)
		}
	}
	es, restart := a.replay(trials[:130])
	if restart != 1 || es.popsize != 12 || es.g != 0 {
		t.Fatalf("after the restart: restart %d popsize %d generation %d", restart, es.popsize, es.g)
	}
	if floats.Equal(es.mean, []float64{0.5, 0.5}) {
		t.Errorf("the restart starts from the center, want a random point")
	}

	// Without a restart strategy the run goes on in one population.
	b := newTestCMAES(t, sp, 3, map[string]string{"n_startup_trials": "0"})
	trials = cmaDrive(t, b, flat, 138, 6)
	if m := trials[137].Meta; m[metaCMARestart] != "" || m[metaCMAGeneration] != "22" {
		t.Errorf("without ipop: meta %v, want generation 22 and no restart", m)
	}
}

// liveRun is an uninterrupted CMA-ES run that keeps its optimizer between
// generations, as a stateful sampler would: ask popsize members, evaluate,
// tell, restart when IPOP says so.
func liveRun(a *cmaesSearch, f func([]float64) float64, budget int) *cmaES {
	restart, es := 0, newCMAES(a.start(0), a.sigma0, 0)
	for done := 0; ; {
		var sols []cmaSolution
		for m := 0; m < es.popsize; m++ {
			if done == budget {
				return es
			}
			u := es.ask(a.memberRand(restart, es.g, m))
			vals := make([]any, len(a.cfg.Space))
			x := make([]float64, len(u))
			for j, d := range a.dims {
				vals[d.param] = d.value(u[j])
			}
			tr := Trial{Params: a.cfg.Space.Params(vals)}
			for j, kv := range tr.Params {
				x[j], _ = Float(kv.Value)
			}
			p, _ := a.point(&tr)
			sols = append(sols, cmaSolution{x: p, loss: f(x)})
			done++
		}
		es.tell(sols)
		if a.ipop && es.shouldStop() {
			restart++
			es = newCMAES(a.start(restart), a.sigma0, 2*es.popsize)
		}
	}
}

// Rebuilding the optimizer from the trials, whatever their order, gives
// exactly the state of an uninterrupted run, restarts included, for
// batches that fill each generation (popsize 7, then 14, 28).
func TestCMAESReplayEqualsUninterruptedRun(t *testing.T) {
	sp := Space{
		{Name: "x", Type: Double, Min: -5, Max: 10},
		{Name: "lr", Type: Double, Min: 1e-4, Max: 1, Dist: LogUniform},
		{Name: "n", Type: Int, Min: 1, Max: 64},
	}
	// A sphere floored at 0.05: once inside, the values are flat and IPOP restarts.
	f := func(x []float64) float64 {
		return math.Max(0.05, cmaSquare((x[0]-2)/15)+cmaSquare(math.Log10(x[1])+2)/16+cmaSquare((x[2]-20)/64))
	}
	a := newTestCMAES(t, sp, 11, map[string]string{"restart_strategy": "ipop", "n_startup_trials": "0"})
	const budget = 400
	live := liveRun(a, f, budget)
	for _, batch := range []int{1, 7} {
		trials := cmaDrive(t, a, f, budget, batch)
		rand.New(rand.NewPCG(uint64(batch), 0)).Shuffle(len(trials), func(i, j int) { trials[i], trials[j] = trials[j], trials[i] })
		es, restart := a.replay(trials)
		if restart == 0 {
			t.Fatalf("batch %d: no restart in %d trials; the test wants one", batch, budget)
		}
		if es.g != live.g || es.popsize != live.popsize || es.sigma != live.sigma ||
			!floats.Equal(es.mean, live.mean) || !floats.Equal(es.pc, live.pc) || !floats.Equal(es.pSigma, live.pSigma) ||
			!floats.Equal(es.c.RawSymmetric().Data, live.c.RawSymmetric().Data) {
			t.Errorf("batch %d: replayed generation %d popsize %d mean %v sigma %v; live %d %d %v %v",
				batch, es.g, es.popsize, es.mean, es.sigma, live.g, live.popsize, live.mean, live.sigma)
		}
	}
}

// As Optuna: the first trials, until one completes, are random; a
// generation is told when popsize of its members have completed, a failed
// member being replaced by one more member of the same generation, and
// new suggestions come from the current generation meanwhile.
func TestCMAESGenerations(t *testing.T) {
	sp := Space{{Name: "x", Type: Double, Min: 0, Max: 1}, {Name: "y", Type: Double, Min: 0, Max: 1}}
	a := newTestCMAES(t, sp, 8, nil)
	add := func(trials []Trial, sugs []Suggestion, state State) []Trial {
		for _, s := range sugs {
			trials = append(trials, Trial{Index: len(trials), Params: s.Params, Meta: s.Meta, State: state, Value: 1})
		}
		return trials
	}
	startup, _ := a.Suggest(nil, 3)
	r, _ := New(Config{Algorithm: "random", Space: sp, Seed: 8})
	random, _ := r.Suggest(nil, 3)
	for i := range startup {
		if startup[i].Meta != nil || Key(startup[i].Params) != Key(random[i].Params) {
			t.Fatalf("startup trial %d: %v %v, want random search's %v", i, startup[i].Params, startup[i].Meta, random[i].Params)
		}
	}
	trials := add(nil, startup, Completed)
	gen0, _ := a.Suggest(trials, 6)
	trials = add(trials, gen0[:5], Completed)
	trials = add(trials, gen0[5:], Failed)
	more, _ := a.Suggest(trials, 2)
	for _, s := range more {
		if s.Meta[metaCMAGeneration] != "0" {
			t.Fatalf("after a failed member: generation %s, want 0", s.Meta[metaCMAGeneration])
		}
	}
	if Key(more[0].Params) == Key(gen0[5].Params) {
		t.Errorf("the replacement repeats the failed member")
	}
	trials = add(trials, more[:1], Running)
	if es, _ := a.replay(trials); es.g != 0 {
		t.Fatalf("generation told with 5 completed members")
	}
	trials[len(trials)-1].State = Completed
	if es, _ := a.replay(trials); es.g != 1 {
		t.Fatalf("generation not told with 6 completed members")
	}
	if next, _ := a.Suggest(trials, 1); next[0].Meta[metaCMAGeneration] != "1" {
		t.Errorf("next suggestion in generation %s, want 1", next[0].Meta[metaCMAGeneration])
	}
}

func TestCMAESRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		space    Space
		settings map[string]string
		want     string
	}{
		"one numeric parameter": {propertySpaces["discrete"], nil, "cmaes needs at least two int or double parameters with more than one value, the space has 1 (epochs)"},
		"bipop":                 {testSpace(), map[string]string{"restart_strategy": "bipop"}, `setting restart_strategy of cmaes: "bipop" is not one of none, ipop`},
		"unknown setting":       {testSpace(), map[string]string{"popsize": "8"}, "unknown setting popsize for algorithm cmaes: want n_startup_trials, random_state, restart_strategy, sigma"},
	} {
		_, err := New(Config{Algorithm: "cmaes", Space: c.space, Settings: c.settings})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: err %v, want %q", name, err, c.want)
		}
	}
}

// A member's draws depend on where it stands in its generation, not on how
// many suggestions were asked for at once.
func TestCMAESBatchIndependent(t *testing.T) {
	a := newTestCMAES(t, testSpace(), 4, map[string]string{"n_startup_trials": "0"})
	three, _ := a.Suggest(nil, 3)
	var trials []Trial
	for i := 0; i < 3; i++ {
		one, _ := a.Suggest(trials, 1)
		if Key(one[0].Params) != Key(three[i].Params) {
			t.Errorf("member %d: %v one at a time, %v in a batch", i, one[0].Params, three[i].Params)
		}
		checkFeasible(t, testSpace(), one[0])
		trials = append(trials, Trial{Index: i, Params: one[0].Params, Meta: one[0].Meta, State: Running})
	}
}
