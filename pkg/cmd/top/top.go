// Package top implements `kubectl mlexp top EXP`: the CPU and memory of
// every running trial from metrics.k8s.io next to its requests and limits,
// the experiment's total and the nodes it runs on.
package top

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/usage"
)

var long = templates.LongDesc(`
	Show the CPU and memory every running trial of an experiment uses, as
	metrics-server measured it, next to what the trial requested and its
	limits; CPU%LIMIT and MEMORY%LIMIT are those of the container nearest its
	limit (a trial near 100% MEMORY%LIMIT is about to be OOMKilled). REQUESTS
	and LIMITS read cpu/memory; "-" is "not set". A TOTAL row sums the
	experiment, and a second table shows the nodes its trials run on.

	Trials that are not running are counted in the summary line, not shown.
	metrics-server samples every pod about every 15 seconds: a trial that
	just started reads pending in its usage columns until its first sample.

	Calls: one List each of the experiment's Jobs, its pods and its pods'
	metrics, plus one List each of nodes and node metrics when trials run.
	With --watch the Jobs and pods are watched, and each refresh lists the
	pod and node metrics only.

	top reads only, unless --record is given: then it writes each running
	trial's peak CPU and memory seen so far on its Job (annotation
	mlexp.dev/peak-usage, one patch per trial when its peak rose by 5% or
	more, and the exact peak when the watch ends), so that
	"kubectl mlexp report" can set it against the trial's limits after the
	pod is gone.`)

var example = templates.Examples(`
	# CPU and memory of every running trial of experiment mnist
	kubectl mlexp top mnist

	# Who is about to be OOMKilled: nearest its memory limit first
	kubectl mlexp top mnist --sort-by memory-limit-percent

	# Refresh every 10 seconds until every trial has finished
	kubectl mlexp top mnist -w --interval 10s

	# One row per container, or the whole picture as JSON
	kubectl mlexp top mnist --containers
	kubectl mlexp top mnist -o json`)

// Options holds the top command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter     kube.Getter
	Output     string
	SortBy     string
	Watch      bool
	Interval   time.Duration
	NoHeaders  bool
	Containers bool
	// Record writes each trial's peak usage on its Job (labels.PeakUsage).
	Record bool
	// IsTerminal says whether a writer is a terminal (watch redraws it);
	// tests replace it.
	IsTerminal func(io.Writer) bool

	experiment string
	namespace  string
	sortBy     usage.SortBy
	client     kubernetes.Interface
	metrics    metricsclientset.Interface
}

// NewCmdTop returns the top command.
func NewCmdTop(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Interval: 5 * time.Second, IsTerminal: func(w io.Writer) bool { return printers.IsTerminal(w) }}
	cmd := &cobra.Command{
		Use:               "top EXPERIMENT",
		Short:             "Show the CPU and memory of every running trial",
		Long:              long,
		Example:           example,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteExperiments(getter),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", "", "Output format: json or yaml.")
	f.StringVar(&o.SortBy, "sort-by", "", "Sort trials, largest first, by cpu, memory, memory-limit-percent or cpu-limit-percent (default: trial order).")
	f.BoolVarP(&o.Watch, "watch", "w", false, "Refresh every --interval until every trial has finished or Ctrl-C: redraw a terminal, or print successive tables separated by a blank line.")
	f.DurationVar(&o.Interval, "interval", o.Interval, "Time between refreshes with --watch.")
	f.BoolVar(&o.NoHeaders, "no-headers", false, "Print the tables without their header rows.")
	f.BoolVar(&o.Containers, "containers", false, "Print one row per container.")
	f.BoolVar(&o.Record, "record", false, "Write each running trial's peak CPU and memory seen so far on its Job (annotation "+labels.PeakUsage+") for the report command; without it top writes nothing.")
	return cmd
}

// Complete reads the experiment argument and builds the clients.
func (o *Options) Complete(args []string) error {
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	o.metrics, err = o.Getter.MetricsClientSet()
	return err
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := common.ValidateOutput(o.Output, "", "json", "yaml"); err != nil {
		return err
	}
	var err error
	if o.sortBy, err = usage.ParseSortBy(o.SortBy); err != nil {
		return err
	}
	if o.Watch && o.Interval <= 0 {
		return fmt.Errorf("--interval must be positive, got %v", o.Interval)
	}
	return nil
}

// Run prints the usage once, or refreshes it with --watch.
func (o *Options) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Watch {
		return o.watch(ctx)
	}
	jobs, pods, podMetrics, err := o.listOnce(ctx)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		return o.notFound()
	}
	var nc nodeCache
	res := o.build(ctx, jobs, pods, podMetrics, &nc)
	if o.Record {
		rec := o.recorder(jobs)
		rec.Observe(res.Trials)
		rec.Flush(ctx, true)
	}
	return o.print(res)
}

func (o *Options) notFound() error {
	return kube.ExperimentNotFound(o.experiment, o.namespace)
}

// print writes one frame: the tables or the data, then notes on stderr.
func (o *Options) print(res Result) error {
	switch o.Output {
	case "json", "yaml":
		if err := common.PrintData(o.Out, o.Output, res); err != nil {
			return err
		}
	default:
		if len(res.Trials) == 0 {
			fmt.Fprintf(o.ErrOut, "No running trials in experiment %s (%s).\n", o.experiment, res.counts)
		}
		if err := (TablePrinter{NoHeaders: o.NoHeaders, Containers: o.Containers}).Print(o.Out, res); err != nil {
			return err
		}
	}
	printNotes(o.ErrOut, res.Notes)
	return nil
}

func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
}

// recorder returns the peak recorder of --record, seeded from the Jobs.
func (o *Options) recorder(jobs []batchv1.Job) *common.PeakRecorder {
	rec := common.NewPeakRecorder(o.client, o.ErrOut, o.Record, 16)
	rec.Seed(jobs)
	return rec
}
