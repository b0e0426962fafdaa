// Package results implements `kubectl mlexp results EXP`: the metrics each
// trial printed, parsed from its log, in a table ranked by one metric with
// the best trial marked. A finished trial's metrics are recorded on its Job
// so they outlive its pod.
package results

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var long = templates.LongDesc(`
	Show one row per trial: its parameters, its state and the metrics it printed,
	ranked by one metric, the best trial marked with * and named on the last line.

	Metrics are read from the log of each trial's newest pod (its default container:
	the kubectl.kubernetes.io/default-container annotation, which a Katib file's
	primaryContainerName sets, else the first): lines such as "Test accuracy: 0.9812",
	"loss=0.12", "Validation-accuracy=0.91", Keras epoch lines and JSON lines; the last
	value of each metric wins. Metric names are matched case-insensitively, spaces read
	as _: "Test accuracy" is test_accuracy, Validation-accuracy is validation-accuracy.
	Regular expressions with named groups, from spec.results.patterns of the experiment
	file or --pattern, add metrics, as do spec.results.filters (a Katib file's
	metricsFormat). The JSON object a trainer writes to /dev/termination-log is read too.

	When the file sets a goal value (spec.results.target, a Katib file's objective goal),
	a GOAL column marks the trials that reached it and the last line says how many did.

	What it writes: the metrics of a finished trial are recorded on its Job, as
	one annotation (mlexp.dev/results, a merge patch by field manager
	kubectl-mlexp-results) when they changed, so they survive the pod and later
	runs do not read its log again. Nothing else is written; --no-record writes
	nothing, and a user who may not patch Jobs gets one note and no write. A
	finished trial whose pod is gone and whose metrics were never recorded shows
	"(pod gone)".

	The bar beside the ranking metric is drawn on a terminal only (--chart
	draws it into a pipe too), from zero to the best value: its header says
	the scale. Reading more than 50 logs shows progress on stderr.`)

var example = templates.Examples(`
	# Rank the trials of experiment mnist by the metric of its file (else test_accuracy)
	kubectl mlexp results mnist

	# Rank by the last validation loss, smallest first
	kubectl mlexp results mnist --metric val_loss --goal min

	# A Katib experiment's metric, as its trials print it
	kubectl mlexp results grid --metric Validation-accuracy

	# A metric the built-in patterns do not know
	kubectl mlexp results mnist --pattern 'top-5: (?P<top5>[0-9.]+)' --metric top5

	# Every metric and the per-epoch curves, for a notebook
	kubectl mlexp results mnist -o json

	# A spreadsheet
	kubectl mlexp results mnist -o csv > mnist.csv

	# The best trial's name, or a few fields of each
	kubectl mlexp results mnist -o jsonpath='{.best}'
	kubectl mlexp results mnist -o custom-columns=NAME:.name,ACC:.metrics.test_accuracy,DROPOUT:.params.dropout

	# A table to paste into a pull request
	kubectl mlexp results mnist -o markdown`)

// DefaultMaxRequests caps the concurrent log reads and Job patches: the
// default of --max-log-requests in every verb (logs' too).
const DefaultMaxRequests = logstream.DefaultMaxRequests

// OpenLogFunc opens the log of one container of a pod.
type OpenLogFunc = collect.OpenLogFunc

// Options holds the results command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter

	Metric      string
	Goal        string
	Patterns    []string
	Print       common.PrintFlags
	TrialFlags  common.TrialFlags
	Chart       bool
	NoRecord    bool
	Refresh     bool
	MaxRequests int
	// Timeout bounds the whole command, log reads included.
	Timeout time.Duration

	// OpenLog opens a container's log; nil reads it through the client.
	// Tests swap it.
	OpenLog OpenLogFunc
	// IsTerminal says whether a writer is a terminal (bars, progress).
	IsTerminal func(io.Writer) bool

	experiment string
	namespace  string
	goal       ranking.Goal
	client     kubernetes.Interface
	filter     trial.Filter
	chartFlag  *pflag.Flag
}

// ResultList is what results prints with -o json, yaml, jsonpath,
// go-template and custom-columns (fields in docs/output.md).
type ResultList struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   common.ListMeta `json:"metadata"`
	ranking.Result
}

// NewCmdResults returns the results command.
func NewCmdResults(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, MaxRequests: DefaultMaxRequests, IsTerminal: common.IsTerminal}
	cmd := &cobra.Command{
		Use:               "results EXPERIMENT",
		Short:             "Rank the trials of an experiment by the metrics in their logs",
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
	o.AddFlags(cmd)
	common.RegisterTrialCompletions(cmd, getter)
	_ = cmd.RegisterFlagCompletionFunc("metric", common.CompleteMetrics(getter))
	_ = cmd.RegisterFlagCompletionFunc("goal", common.CompleteWords(common.GoalValues...))
	common.RefuseAllNamespaces(cmd)
	return cmd
}

// AddFlags binds the command's flags to o.
func (o *Options) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Metric, "metric", "", "Metric to rank by, in any case: Validation-accuracy and validation-accuracy are one metric. Default: spec.results.metric of the experiment file (a Katib file's objectiveMetricName), else test_accuracy, val_accuracy, accuracy, test_loss, val_loss or loss if a trial reported it, else the first metric by name.")
	f.StringVar(&o.Goal, "goal", "", "max or min (or Katib's maximize, minimize): whether a larger or a smaller value is better. Default: spec.results.goal (a Katib file's objective type), else min for loss- and error-like names and max for the others.")
	f.StringArrayVar(&o.Patterns, "pattern", nil, "A regular expression whose named groups are metrics, e.g. 'top-5: (?P<top5>[0-9.]+)'; repeatable, added to spec.results.patterns and the built-in patterns.")
	o.Print = common.PrintFlags{Tables: []string{"wide", "csv", "markdown"}, LabelsOf: "each trial's Job"}
	o.Print.AddFlags(cmd)
	o.TrialFlags.AddFlags(f, "Rank")
	f.BoolVar(&o.Chart, "chart", false, "Draw a bar of the ranking metric, from zero, beside it in the table (default: on a terminal only).")
	o.chartFlag = f.Lookup("chart")
	f.BoolVar(&o.NoRecord, "no-record", false, "Write nothing: do not record finished trials' metrics on their Jobs (annotation "+keys.Results+").")
	f.BoolVar(&o.Refresh, "refresh", false, "Read the log of every trial whose pod exists, even when its metrics were recorded.")
	f.IntVar(&o.MaxRequests, "max-log-requests", o.MaxRequests, "How many logs to read, and Jobs to patch, at the same time.")
	f.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "Give up after this long.")
}

// Complete reads the experiment argument and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	if o.IsTerminal == nil {
		o.IsTerminal = common.IsTerminal
	}
	if o.chartFlag == nil || !o.chartFlag.Changed {
		o.Chart = o.IsTerminal(o.Out)
	}
	if _, err := o.TrialFlags.Selector(o.experiment); err != nil {
		return err
	}
	o.filter, err = o.TrialFlags.Filter(o.experiment)
	return err
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Print.Validate(); err != nil {
		return err
	}
	var err error
	if o.goal, err = ranking.ParseGoal(o.Goal); err != nil {
		return fmt.Errorf("--goal: %w", err)
	}
	if o.MaxRequests < 1 {
		return fmt.Errorf("--max-log-requests must be at least 1, got %d", o.MaxRequests)
	}
	return nil
}
