// Command benchsearch measures the adaptive searches of pkg/search side by
// side with Optuna 3.1 on standard test functions (make bench-search):
// Branin, Hartmann-6 and a 4-D mixed space, every algorithm built into
// pkg/search proposing trials in batches as a driver does, Optuna's
// samplers in optuna_runner.py alongside, then Hyperband and median
// stopping on a multi-fidelity Hartmann-6. It writes the tables into the
// generated section of docs/search.md and the curves to
// docs/search-regret.svg.
//
//	go run ./hack/benchsearch                  # 30 seeds (make bench-search)
//	go run ./hack/benchsearch -seeds 100 -jobs 2
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

func main() {
	cfg, out, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, out); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// outputs are the files the run writes; empty skips one.
type outputs struct {
	doc, svg string
}

// run measures and writes the report.
func run(ctx context.Context, cfg Config, out outputs) error {
	res, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	res.Machine = machine()
	rel := ""
	if out.svg != "" {
		if err := os.WriteFile(out.svg, []byte(res.SVG()), 0o644); err != nil {
			return err
		}
		rel = out.svg
		if out.doc != "" {
			if r, err := filepath.Rel(filepath.Dir(out.doc), out.svg); err == nil {
				rel = r
			}
		}
	}
	md := res.Markdown(rel, time.Now())
	fmt.Print(md)
	if out.doc != "" {
		if err := UpdateDoc(out.doc, md); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", out.doc)
	}
	return nil
}

// parseFlags reads the command line into a Config; usage goes to stderr.
func parseFlags(args []string, stderr io.Writer) (Config, outputs, error) {
	fs := flag.NewFlagSet("benchsearch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.Int("seeds", 30, "seeds per algorithm and function (at least 30 for the report)")
	firstSeed := fs.Uint64("first-seed", 1, "the first seed; the others follow it")
	trials := fs.Int("trials", 60, "trials per search")
	budgets := fs.String("budgets", "30,60", "trial counts the tables report, each at most -trials")
	batch := fs.Int("batch", 3, "suggestions asked for at once, as a driver with this parallelTrialCount")
	functions := fs.String("functions", "branin,hartmann6,mixed", "test functions")
	algorithms := fs.String("algorithms", "", "our algorithms to run, comma-separated (default: every one built, the missing ones reported as not built)")
	var settings settingsFlag
	fs.Var(&settings, "set", "a setting of one of our algorithms, ALGORITHM:NAME=VALUE (repeatable)")
	optuna := fs.Bool("optuna", true, "run Optuna's samplers alongside")
	samplers := fs.String("samplers", strings.Join(optunaSamplers, ","), "Optuna samplers, by the name of our algorithm they stand beside")
	python := fs.String("python", "/usr/bin/python3", "the Python with Debian's python3-optuna")
	runner := fs.String("runner", defaultRunner(), "optuna_runner.py")
	scramble := fs.Bool("sobol-scramble", false, "scramble Optuna's Sobol sequence (our sobol, as Katib's goptuna service, does not)")
	jobs := fs.Int("jobs", 1, "our searches at once")
	pyJobs := fs.Int("py-jobs", 1, "Optuna processes at once")
	mf := fs.Bool("multi-fidelity", true, "run Hyperband and median stopping on the multi-fidelity Hartmann-6")
	epochs := fs.Int("epochs", 27, "epochs of a full multi-fidelity trial (Hyperband's r_l)")
	hbMax := fs.Int("hyperband-max-epochs", 0, "epochs one Hyperband run may consume (default 60 full trials)")
	stopTrials := fs.Int("stop-trials", 60, "trials of the median-stopping runs")
	var stopSettings settingsFlag
	fs.Var(&stopSettings, "stop-set", "a setting of medianstop, NAME=VALUE (repeatable)")
	doc := fs.String("doc", "docs/search.md", "the document whose generated section is rewritten (empty: none)")
	svg := fs.String("svg", "docs/search-regret.svg", "the plot to write (empty: none)")
	if err := fs.Parse(args); err != nil {
		return Config{}, outputs{}, err
	}
	cfg := Config{
		Trials: *trials, Batch: *batch, Algorithms: splitList(*algorithms), Settings: settings.byAlgorithm(),
		Python: *python, Runner: *runner, SobolScramble: *scramble, Jobs: *jobs, PyJobs: *pyJobs,
		MultiFidelity: *mf, MaxEpochs: *epochs, HyperbandMaxTotal: *hbMax, StopTrials: *stopTrials,
		StopSettings: stopSettings.byAlgorithm()[""],
		New:          search.New, NewStopper: search.NewStopper, Registered: search.Algorithms, Stoppers: search.Stoppers,
		Log: os.Stderr,
	}
	if *seeds < 1 || *trials < 1 || *batch < 1 || *epochs < 2 {
		return cfg, outputs{}, fmt.Errorf("-seeds, -trials and -batch must be at least 1, -epochs at least 2")
	}
	for i := range *seeds {
		cfg.Seeds = append(cfg.Seeds, *firstSeed+uint64(i))
	}
	for _, s := range splitList(*budgets) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > *trials {
			return cfg, outputs{}, fmt.Errorf("-budgets: %q is not a trial count in 1..%d", s, *trials)
		}
		cfg.Budgets = append(cfg.Budgets, n)
	}
	for _, name := range splitList(*functions) {
		f, err := FunctionByName(name)
		if err != nil {
			return cfg, outputs{}, fmt.Errorf("-functions: %v", err)
		}
		cfg.Functions = append(cfg.Functions, f)
	}
	if *optuna {
		cfg.Optuna = splitList(*samplers)
	}
	if cfg.HyperbandMaxTotal == 0 {
		cfg.HyperbandMaxTotal = 60 * *epochs
	}
	// Hyperband's defaults, by Katib's names: the resource parameter, its
	// maximum and the halving rate; -set hyperband:NAME=VALUE overrides one.
	hb := map[string]string{"resource_name": epochsParam, "r_l": strconv.Itoa(*epochs), "eta": "3"}
	for k, v := range cfg.Settings["hyperband"] {
		hb[k] = v
	}
	cfg.Settings["hyperband"] = hb
	return cfg, outputs{doc: *doc, svg: *svg}, nil
}

// settingsFlag collects ALGORITHM:NAME=VALUE (or NAME=VALUE) flags.
type settingsFlag []string

func (s *settingsFlag) String() string     { return strings.Join(*s, ",") }
func (s *settingsFlag) Set(v string) error { *s = append(*s, v); return s.check(v) }

func (s *settingsFlag) check(v string) error {
	if _, _, _, ok := splitSetting(v); !ok {
		return fmt.Errorf("%q is not [ALGORITHM:]NAME=VALUE", v)
	}
	return nil
}

// byAlgorithm returns the settings by algorithm ("" for those without one).
func (s settingsFlag) byAlgorithm() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, v := range s {
		alg, name, value, _ := splitSetting(v)
		if out[alg] == nil {
			out[alg] = map[string]string{}
		}
		out[alg][name] = value
	}
	return out
}

// splitSetting splits [ALGORITHM:]NAME=VALUE.
func splitSetting(v string) (alg, name, value string, ok bool) {
	kv, val, ok := strings.Cut(v, "=")
	if !ok {
		return "", "", "", false
	}
	if a, n, found := strings.Cut(kv, ":"); found {
		return a, n, val, n != ""
	}
	return "", kv, val, kv != ""
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// defaultRunner finds optuna_runner.py: beside this source file when run
// with go run from anywhere, else under the working directory.
func defaultRunner() string {
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "optuna_runner.py")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join("hack", "benchsearch", "optuna_runner.py")
}

// machine describes the CPU and its load, since every time depends on them.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	load := "?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = strings.Join(f[:3], " ")
		}
	}
	return fmt.Sprintf("%d cores of %s (load average %s at the end)", runtime.NumCPU(), model, load)
}
