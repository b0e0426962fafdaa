// Command bench measures kubectl-mlexp at scale against a real cluster
// (the dev cluster by default) and prints one table: for each experiment
// size, submit against raw client-go creates of the same Jobs and against
// kubectl apply -f, a no-op re-submit, status, list, status -w, delete, a
// Ctrl-C'd submit and the one that completes it, and — when the cluster
// has simulated (KWOK) nodes — results, top, events and logs of trials
// that ran. Every plugin command runs as a child process of the built
// binary: wall and CPU time and peak RSS come from wait4's rusage, API
// requests from the plugin's own count (MLEXP_COUNT_REQUESTS).
//
//	go run ./hack/bench                 # N = 1000 and 10000 (make bench)
//	go run ./hack/bench -n 2000 -check  # correctness only (make check)
//	go run ./hack/bench -n 10000 -only '^(status|list)'  # one target again
//
// Each experiment lives in a namespace of its own, deleted at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Config holds the bench's flags.
type Config struct {
	Sizes      []int
	Kubeconfig string
	Kubectl    string
	Plugin     string
	Check      bool
	ProfileDir string
	Simulated  string // auto, on or off
	Nodes      string // label selector of the simulated nodes
	Sample     int
	Interrupt  bool
	Timeout    time.Duration
	Logs       bool
	LogsTrials int
	LogsLines  int
	// Only selects the rows measured by their command (see Bench.selected);
	// nil measures every row.
	Only *regexp.Regexp
	// MaxRSS, when positive, fails every plugin row whose peak RSS is above it.
	MaxRSS int64
}

// Bench runs the measurements and collects the table.
type Bench struct {
	cfg          Config
	cluster      *Cluster
	runner       *Runner
	table        Table
	dir          string
	log          io.Writer
	nodes        SimulatedNodes
	simulated    int    // Ready simulated nodes; 0 skips the runs that need them
	simulatedWhy string // why they are skipped
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (Config, error) {
	dev := os.Getenv("MLEXP_DEV_DIR")
	if dev == "" {
		dev = "/var/lib/mlexp-dev"
	}
	var c Config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fs.String("n", "1000,10000", "experiment sizes (trials), comma-separated")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", filepath.Join(dev, "kubeconfig"), "kubeconfig of the cluster under test")
	fs.StringVar(&c.Kubectl, "kubectl", filepath.Join(dev, "bin", "kubectl"), "kubectl for the kubectl apply and kubectl logs baselines")
	fs.StringVar(&c.Plugin, "plugin", "", "kubectl-mlexp binary to measure (default: built as a release is, into bin/kubectl-mlexp-bench)")
	fs.BoolVar(&c.Check, "check", false, "correctness only: no baselines; fail unless every command exits 0 and every count holds")
	fs.StringVar(&c.ProfileDir, "profile", "", "write a CPU and a heap profile of every plugin command into this directory")
	fs.StringVar(&c.Simulated, "simulated", "auto", "run trials on simulated (KWOK) nodes: auto (when some are Ready), on or off")
	fs.StringVar(&c.Nodes, "nodes", "type=kwok", "label selector of the simulated nodes")
	fs.IntVar(&c.Sample, "sample", 50, "trials read by the logs commands (a part of the grid)")
	fs.BoolVar(&c.Interrupt, "interrupt", true, "measure a submit interrupted with Ctrl-C halfway and the submit that completes it")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Minute, "how long to wait for simulated trials to finish")
	fs.BoolVar(&c.Logs, "logs", false, "also compare logs --all with kubectl logs -l --prefix on real pods (-logs-trials x -logs-lines)")
	fs.IntVar(&c.LogsTrials, "logs-trials", 50, "trials of the logs comparison")
	fs.IntVar(&c.LogsLines, "logs-lines", 20000, "lines each trial of the logs comparison prints")
	only := fs.String("only", "", "measure only the rows whose command matches this regular expression (e.g. '^status' or 'delete'), with their baselines and the submits they need")
	maxRSS := fs.Int("max-rss", 0, "fail every plugin command whose peak RSS is above this many MiB (0: no bound)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return c, fmt.Errorf("-only: %w", err)
		}
		c.Only = re
	}
	if *maxRSS < 0 {
		return c, fmt.Errorf("-max-rss: want a number of MiB, got %d", *maxRSS)
	}
	c.MaxRSS = int64(*maxRSS) << 20
	for _, s := range strings.Split(*sizes, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 1 {
			return c, fmt.Errorf("-n: %q is not a number of trials", s)
		}
		if _, err := ShapeFor(v, c.Sample); err != nil {
			return c, err
		}
		c.Sizes = append(c.Sizes, v)
	}
	switch c.Simulated {
	case "auto", "on", "off":
	default:
		return c, fmt.Errorf("-simulated: want auto, on or off, got %q", c.Simulated)
	}
	return c, nil
}

func run(ctx context.Context, cfg Config) error {
	log := os.Stderr
	b := &Bench{cfg: cfg, log: log}
	var err error
	if b.dir, err = os.MkdirTemp("", "mlexp-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.dir)
	if cfg.Plugin == "" {
		// Built as releases are (hack/release): static, no cgo, stripped.
		// A cgo build is dynamically linked and maps ~15 MB more of
		// symbol tables, all of which counts in its RSS.
		cfg.Plugin = filepath.Join("bin", "kubectl-mlexp-bench")
		build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", cfg.Plugin, "./cmd/kubectl-mlexp")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Stdout, build.Stderr = log, log
		if err := build.Run(); err != nil {
			return fmt.Errorf("build the plugin (run from the repository's root): %w", err)
		}
	}
	if cfg.Plugin, err = filepath.Abs(cfg.Plugin); err != nil {
		return err
	}
	if b.cluster, err = NewCluster(cfg.Kubeconfig, log); err != nil {
		return err
	}
	b.runner = &Runner{PluginBin: cfg.Plugin, KubectlBin: cfg.Kubectl, Kubeconfig: cfg.Kubeconfig, ProfileDir: cfg.ProfileDir, Log: log}
	if err := b.findSimulatedNodes(ctx); err != nil {
		return err
	}
	before := MachineState()
	start := time.Now()
	fmt.Fprintf(log, "machine: %s\n", before)
	for _, n := range cfg.Sizes {
		if err := b.Scale(ctx, n); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if cfg.Logs {
		if err := b.LogsComparison(ctx); err != nil {
			return err
		}
	}
	after := MachineState()
	fmt.Printf("\n`go run ./hack/bench %s`, %s, %v in all\n\n", strings.Join(os.Args[1:], " "), time.Now().Format("2006-01-02 15:04 MST"), time.Since(start).Round(time.Second))
	fmt.Printf("before: %s\nafter:  %s\nsimulated nodes: %s\n\n", before, after, b.simulatedText())
	if cfg.MaxRSS > 0 {
		b.table.CheckRSS(cfg.MaxRSS)
	}
	b.table.Print(os.Stdout)
	fmt.Println("\nAPI requests by verb and resource:")
	b.table.PrintRequests(os.Stdout)
	if failed := b.table.Failures(); len(failed) > 0 {
		return fmt.Errorf("%d of %d measurements failed their checks (see FAILED above)", len(failed), len(b.table.Rows))
	}
	return nil
}

// findSimulatedNodes decides whether trials run on simulated nodes.
func (b *Bench) findSimulatedNodes(ctx context.Context) error {
	if b.cfg.Simulated == "off" {
		b.simulatedWhy = "-simulated=off"
		return nil
	}
	ready, taint, err := b.cluster.SimulatedNodes(ctx, b.cfg.Nodes)
	if err != nil {
		return fmt.Errorf("list simulated nodes (%s): %w", b.cfg.Nodes, err)
	}
	sel := map[string]string{}
	for _, kv := range strings.Split(b.cfg.Nodes, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			sel[k] = v
		}
	}
	b.nodes = SimulatedNodes{Selector: sel, TaintKey: taint}
	switch {
	case ready == 0 && b.cfg.Simulated == "on":
		return fmt.Errorf("-simulated=on: no Ready node matches %s", b.cfg.Nodes)
	case ready == 0:
		b.simulatedWhy = "no Ready node matches " + b.cfg.Nodes
	case taint == "":
		return fmt.Errorf("simulated nodes %s have no NoSchedule taint: trials could land on them unasked", b.cfg.Nodes)
	}
	b.simulated = ready
	return nil
}

func (b *Bench) simulatedText() string {
	if b.simulated == 0 {
		return "none (" + b.simulatedWhy + ")"
	}
	return fmt.Sprintf("%d Ready (%s, taint %s)", b.simulated, b.cfg.Nodes, b.nodes.TaintKey)
}

// dropNamespace deletes a namespace of the bench, also after ctx ended.
func (b *Bench) dropNamespace(ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	if err := b.cluster.DeleteNamespace(ctx, ns); err != nil {
		fmt.Fprintln(b.log, "warning:", err)
	}
}
