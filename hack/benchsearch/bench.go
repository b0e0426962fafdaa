package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// ourAlgorithms are the algorithms the report always lists, in its order;
// one the binary lacks shows as not built. Any other registered algorithm
// (but hyperband, which needs a resource parameter) runs after them.
var ourAlgorithms = []string{"random", "tpe", "multivariate-tpe", "bayesianoptimization", "cmaes", "sobol"}

// optunaSamplers are the Optuna samplers optuna_runner.py knows, named by
// the algorithm of ours they are compared with.
var optunaSamplers = []string{"random", "tpe", "multivariate-tpe", "cmaes", "sobol"}

// Config is what one benchmark runs.
type Config struct {
	Seeds     []uint64
	Trials    int   // per search; best-so-far is recorded after each
	Budgets   []int // trial counts the table reports, each <= Trials
	Batch     int
	Functions []Function
	// Algorithms are ours to run; nil means every one built.
	Algorithms []string
	// Settings are per-algorithm settings of ours (Config.Settings).
	Settings map[string]map[string]string
	// Optuna lists the samplers to run; nil runs none.
	Optuna        []string
	Python        string // the interpreter with optuna
	Runner        string // optuna_runner.py
	SobolScramble bool
	Jobs          int // Go searches at once
	PyJobs        int // Optuna processes at once

	// The multi-fidelity runs: Hyperband and median stopping on Hartmann-6.
	MultiFidelity     bool
	MaxEpochs         int
	HyperbandMaxTotal int // epochs a Hyperband run may consume
	StopTrials        int
	StopSettings      map[string]string

	New        Constructor
	NewStopper StopperConstructor
	Registered func() []string // search.Algorithms
	Stoppers   func() []string // search.Stoppers
	Log        io.Writer
}

// Series is every seed of one algorithm on one function.
type Series struct {
	// Regret is the best-so-far simple regret, [seed][trial].
	Regret [][]float64
	// Exhausted counts the seeds whose algorithm ran out before Trials.
	Exhausted int
	// Err is the first error of a seed; the series is unusable then.
	Err string
	// Seconds is the time its searches took: wall time of the Go searches,
	// CPU time of the Python process for Optuna's.
	Seconds []float64
}

// Results is everything one benchmark measured.
type Results struct {
	Config   Config
	Ours     map[string]map[string]*Series // algorithm, function
	Optuna   map[string]map[string]*Series // sampler, function
	Order    []string                      // our algorithms, in report order
	NotBuilt map[string]bool

	Hyperband        []HyperbandRun
	HyperbandStatus  string // "" when it ran, else not built or the error
	HyperbandSeconds float64
	Stop             []StopRun
	StopStatus       string
	StopSeconds      float64
	GoWall, PyWall   time.Duration
	Wall             time.Duration
	Machine          string
	OptunaVersion    string
}

// newSeries makes a series with one slot per seed.
func newSeries(seeds int) *Series {
	return &Series{Regret: make([][]float64, seeds), Seconds: make([]float64, seeds)}
}

// Run runs every search of cfg: ours in cfg.Jobs goroutines while the
// Optuna processes run beside them.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	start := time.Now()
	res := &Results{Config: cfg, Ours: map[string]map[string]*Series{}, Optuna: map[string]map[string]*Series{}, NotBuilt: map[string]bool{}}
	registered := cfg.Registered()
	res.Order = algorithmOrder(cfg.Algorithms, registered)
	for _, a := range res.Order {
		if !slices.Contains(registered, a) {
			res.NotBuilt[a] = true
		}
	}

	// An Optuna process that fails stops our searches too, so a missing
	// optuna shows at once, not after every Go search has run.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var py errgroup.Group
	var version sync.Once
	for _, s := range cfg.Optuna {
		res.Optuna[s] = map[string]*Series{}
		for _, f := range cfg.Functions {
			res.Optuna[s][f.Name] = newSeries(len(cfg.Seeds))
		}
	}
	if len(cfg.Optuna) > 0 {
		for job := range max(1, cfg.PyJobs) {
			py.Go(func() error {
				err := runOptuna(ctx, cfg, job, res.Optuna, func(v string) { version.Do(func() { res.OptunaVersion = v }) })
				if err != nil {
					cancel(err)
				}
				return err
			})
		}
	}
	pyDone := make(chan time.Duration, 1)
	go func() {
		_ = py.Wait()
		pyDone <- time.Since(start)
	}()

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, cfg.Jobs))
	var logMu sync.Mutex
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(cfg.Log, format, args...)
	}
	for _, a := range res.Order {
		if res.NotBuilt[a] {
			logf("%s: not built\n", a)
			continue
		}
		res.Ours[a] = map[string]*Series{}
		for _, f := range cfg.Functions {
			s := newSeries(len(cfg.Seeds))
			res.Ours[a][f.Name] = s
			for i, seed := range cfg.Seeds {
				g.Go(func() error {
					if gctx.Err() != nil {
						return gctx.Err()
					}
					s.Regret[i], s.Seconds[i] = ourRun(cfg, a, f, seed, s)
					return nil
				})
			}
		}
	}
	if cfg.MultiFidelity {
		runMultiFidelity(cfg, g, gctx, res, registered)
	}
	goErr := g.Wait()
	res.GoWall = time.Since(start)
	logf("our searches done in %s\n", res.GoWall.Round(time.Second))
	res.PyWall = <-pyDone
	if err := py.Wait(); err != nil {
		return nil, err
	}
	if goErr != nil {
		return nil, goErr
	}
	res.Wall = time.Since(start)
	return res, nil
}

// seriesMu guards the shared fields (Exhausted, Err) of every Series.
var seriesMu sync.Mutex

// ourRun runs one seed of algorithm a on f and returns its best-so-far
// regret and the seconds it took; an error or an early end is noted on s.
func ourRun(cfg Config, a string, f Function, seed uint64, s *Series) ([]float64, float64) {
	t0 := time.Now()
	var run searchResult
	space := f.Space
	if a == "grid" {
		space = gridSpace(space, cfg.Trials)
	}
	alg, err := cfg.New(search.Config{Algorithm: a, Space: space, Goal: search.Minimize, Seed: seed, Settings: cfg.Settings[a]})
	if err == nil {
		run, err = searchRun(alg, f, cfg.Trials, cfg.Batch)
	}
	secs := time.Since(t0).Seconds()
	seriesMu.Lock()
	defer seriesMu.Unlock()
	if err != nil && s.Err == "" {
		s.Err = fmt.Sprintf("seed %d: %v", seed, err)
	}
	if run.Exhausted {
		s.Exhausted++
	}
	return BestSoFar(run.Values, f.Min, cfg.Trials), secs
}

// gridSpace gives every double without a step the step that makes the
// grid about trials points, as a user of Katib's grid must write one (it
// refuses a double without feasibleSpace.step).
func gridSpace(space search.Space, trials int) search.Space {
	doubles := 0
	for _, p := range space {
		if p.Type == search.Double && p.Step == 0 {
			doubles++
		}
	}
	if doubles == 0 {
		return space
	}
	per := max(2, int(math.Ceil(math.Pow(float64(trials), 1/float64(doubles)))))
	out := slices.Clone(space)
	for i, p := range out {
		if p.Type == search.Double && p.Step == 0 {
			out[i].Step = (p.Max - p.Min) / float64(per-1)
		}
	}
	return out
}

// algorithmOrder returns the algorithms to report: the ones asked for, or
// ourAlgorithms then any other registered one but hyperband.
func algorithmOrder(asked, registered []string) []string {
	if len(asked) > 0 {
		return asked
	}
	out := slices.Clone(ourAlgorithms)
	for _, r := range registered {
		if r != "hyperband" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// runMultiFidelity queues Hyperband's and median stopping's seeds on g.
func runMultiFidelity(cfg Config, g *errgroup.Group, ctx context.Context, res *Results, registered []string) {
	n := len(cfg.Seeds)
	var mu sync.Mutex
	note := func(status *string, secs *float64, d time.Duration, seed uint64, err error) {
		mu.Lock()
		defer mu.Unlock()
		*secs += d.Seconds()
		if err != nil && *status == "" {
			*status = fmt.Sprintf("error: seed %d: %v", seed, err)
		}
	}
	if !slices.Contains(registered, "hyperband") {
		res.HyperbandStatus = "not built"
	} else {
		res.Hyperband = make([]HyperbandRun, n)
		for i, seed := range cfg.Seeds {
			g.Go(func() error {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				t0 := time.Now()
				hr, err := hyperbandRun(cfg.New, cfg.Settings["hyperband"], seed, cfg.MaxEpochs, cfg.Batch, cfg.HyperbandMaxTotal)
				res.Hyperband[i] = hr
				note(&res.HyperbandStatus, &res.HyperbandSeconds, time.Since(t0), seed, err)
				return nil
			})
		}
	}
	if !slices.Contains(cfg.Stoppers(), "medianstop") {
		res.StopStatus = "not built"
		return
	}
	res.Stop = make([]StopRun, n)
	for i, seed := range cfg.Seeds {
		g.Go(func() error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			t0 := time.Now()
			sr, err := stopRun(cfg.New, cfg.NewStopper, cfg.StopSettings, seed, cfg.StopTrials, cfg.MaxEpochs, cfg.Batch)
			res.Stop[i] = sr
			note(&res.StopStatus, &res.StopSeconds, time.Since(t0), seed, err)
			return nil
		})
	}
}
