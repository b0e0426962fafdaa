// Package top implements `kubectl mlexp top EXP`: the CPU and memory of
// every running trial from metrics.k8s.io next to its requests and limits,
// the experiment's total and the nodes it runs on.
package top

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
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

	API requests: one List each of the experiment's Jobs, its pods and its pods'
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
	kubectl mlexp top mnist -o json

	# Memory against the limit of each running trial, by any field
	kubectl mlexp top mnist --sort-by .usage.memoryBytes -o custom-columns=NAME:.name,MEM%:.memoryLimitPercent`)

// Options holds the top command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter     kube.Getter
	Print      common.PrintFlags
	TrialFlags common.TrialFlags
	SortBy     string
	Watch      bool
	Interval   time.Duration
	Containers bool
	// Record writes each trial's peak usage on its Job (keys.PeakUsage).
	Record bool
	// IsTerminal says whether a writer is a terminal (watch redraws it);
	// tests replace it.
	IsTerminal func(io.Writer) bool
	// LossTimeout is how long --watch goes on while the API server does
	// not answer; zero means kube.ServerLossTimeout.
	LossTimeout time.Duration

	experiment string
	namespace  string
	sortBy     cpumem.SortBy
	sortPath   string
	filter     trial.Filter
	client     kubernetes.Interface
	metrics    metricsclientset.Interface
}

// NewCmdTop returns the top command.
func NewCmdTop(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Interval: 5 * time.Second, IsTerminal: common.IsTerminal}
	cmd := &cobra.Command{
		Use:               "top EXPERIMENT",
		Short:             "Show the CPU and memory of every running trial",
		Long:              long,
		Example:           example,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteExperiments(getter),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(o.Getter, cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	o.Print.LabelsOf = "each trial's Job"
	o.Print.AddFlags(cmd)
	o.TrialFlags.AddFlags(f, "Show")
	common.RegisterTrialCompletions(cmd, getter)
	common.RefuseAllNamespaces(cmd)
	f.StringVar(&o.SortBy, "sort-by", "", "Sort trials, largest first, by cpu, memory, memory-limit-percent or cpu-limit-percent, or by a JSONPath expression on the fields of docs/output.md, smallest first, as kubectl get does (default: trial order).")
	_ = cmd.RegisterFlagCompletionFunc("sort-by", common.CompleteWords(sortKeys()...))
	f.BoolVarP(&o.Watch, "watch", "w", false, "Refresh every --interval until every trial has finished or Ctrl-C: redraw a terminal, or print successive tables separated by a blank line; it ends with an error after --"+kube.ServerLossFlag+" without an answer from the API server.")
	f.DurationVar(&o.Interval, "interval", o.Interval, "Time between refreshes with --watch.")
	f.BoolVar(&o.Containers, "containers", false, "Print one row per container.")
	f.BoolVar(&o.Record, "record", false, "Write each running trial's peak CPU and memory seen so far on its Job (annotation "+keys.PeakUsage+") for the report command; without it top writes nothing.")
	return cmd
}

// Complete reads the experiment argument and builds the clients.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	if _, err := o.TrialFlags.KeepJobs(nil); err != nil {
		return err
	}
	if o.filter, err = o.TrialFlags.Filter(o.experiment); err != nil {
		return err
	}
	if strings.HasPrefix(o.SortBy, ".") || strings.HasPrefix(o.SortBy, "{") {
		o.sortPath = o.SortBy
	} else if o.sortBy, err = cpumem.ParseSortBy(o.SortBy); err != nil {
		return err
	}
	o.metrics, err = o.Getter.MetricsClientSet()
	return err
}

// sortKeys are top's named --sort-by keys.
func sortKeys() []string {
	var out []string
	for _, k := range cpumem.SortKeys {
		out = append(out, string(k))
	}
	return out
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Print.Validate(); err != nil {
		return err
	}
	if o.Watch && o.Interval <= 0 {
		return fmt.Errorf("--interval must be positive, got %v", o.Interval)
	}
	return nil
}

// Run prints the usage once, or refreshes it with --watch.
func (o *Options) Run(ctx context.Context) error {
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
	res, err := o.build(ctx, jobs, pods, podMetrics, &nc)
	if err != nil {
		return err
	}
	if o.Record {
		rec := o.recorder(jobs)
		rec.Observe(res.Trials)
		rec.Flush(ctx, true)
	}
	return o.print(o.withNoneRunning(res))
}

func (o *Options) notFound() error {
	return kube.ExperimentNotFound(o.experiment, o.namespace)
}

// print writes one frame: the tables or the data, then notes on stderr.
func (o *Options) print(res Result) error {
	if err := common.SortItems(res.Trials, o.sortPath); err != nil {
		return err
	}
	if !o.Print.Table() {
		if err := o.Print.PrintList(o.Out, res); err != nil {
			return err
		}
	} else if err := (TablePrinter{NoHeaders: o.Print.NoHeaders, Containers: o.Containers, ShowLabels: o.Print.ShowLabels}).Print(o.Out, res); err != nil {
		return err
	}
	printNotes(o.ErrOut, res.Notes)
	return nil
}

// withNoneRunning puts "No running trials" first in the notes of a table
// that has no row.
func (o *Options) withNoneRunning(res Result) Result {
	if o.Print.Table() && len(res.Trials) == 0 {
		none := fmt.Sprintf("No running trials in experiment %s (%s).", o.experiment, res.counts)
		res.Notes = append([]string{none}, res.Notes...)
	}
	return res
}

func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
}

// recorder returns the peak recorder of --record, seeded from the Jobs.
func (o *Options) recorder(jobs []batchv1.Job) *cpumem.PeakRecorder {
	rec := cpumem.NewPeakRecorder(o.client, o.ErrOut, o.Record, 16)
	rec.Seed(jobs)
	return rec
}
