// Package report implements `kubectl mlexp report EXP`: the experiment as
// one self-contained HTML file (pkg/report), from the same collection as
// `results` plus the peak usage recorded on the Jobs or sampled by --watch.
package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/report"
)

var long = templates.LongDesc(`
	Write one HTML file that shows the experiment: the ranking table (click a column to
	sort), parallel coordinates of every parameter against the ranking metric, the
	optimization history (each finished trial's value in creation order, and the best
	so far), learning curves from the per-epoch metrics in the logs (the best trial in orange),
	the metric against each parameter, each trial's peak memory and CPU against its
	limits, and the trials that were OOMKilled, failed or are waiting, with why.

	The file is self-contained: its styles, script and plots are inline, so it opens
	from disk with no network and can be attached to a pull request or an e-mail.
	Metrics are read as "results" reads them (every log whose pod still exists, for the
	curves); the report itself writes nothing to the cluster.

	Peak usage comes from metrics-server samples: --watch samples every running trial
	until the experiment ends, then writes the report. With --record the peaks are also
	written on the trials' Jobs (annotation ` + keys.PeakUsage + `), as "top -w --record"
	does, so a later report shows them, with the metrics read from finished trials'
	logs (annotation ` + keys.Results + `, as "results" records them), so a later
	"results" reads no log again; without --record nothing is written.

	-o chooses the format: html (the default) or markdown, the ranking table that
	"results -o markdown" prints, to paste into a pull request. --output-file chooses the
	file (default EXPERIMENT-report.html or EXPERIMENT-report.md); - writes to stdout.`)

var example = templates.Examples(`
	# Write mnist-report.html for experiment mnist
	kubectl mlexp report mnist

	# Choose the file, or write the page to stdout
	kubectl mlexp report mnist --output-file /tmp/mnist.html
	kubectl mlexp report mnist --output-file - > mnist.html

	# The ranking as a Markdown table for a pull request (what "results -o markdown"
	# prints), in mnist-report.md
	kubectl mlexp report mnist -o markdown

	# Sample CPU and memory while the experiment runs, record the peaks on the Jobs,
	# and write the report when every trial has finished (Ctrl-C writes it at once)
	kubectl mlexp report mnist --watch --record`)

// Options holds the report command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter

	// Output is -o: the format, html or markdown.
	Output string
	// OutputFile is --output-file: where to write, "-" for stdout.
	OutputFile  string
	Metric      string
	Goal        string
	Patterns    []string
	Watch       bool
	Interval    time.Duration
	Record      bool
	MaxRequests int
	Timeout     time.Duration

	// OpenLog opens a container's log; nil reads it through the client.
	OpenLog collect.OpenLogFunc
	// Now stamps the report; tests fix it.
	Now func() time.Time

	experiment string
	namespace  string
	goal       ranking.Goal
	client     kubernetes.Interface
	metrics    metricsclientset.Interface
}

// formats are the values of -o, the default first.
var formats = []string{"html", "markdown"}

// NewOptions returns the command's options with their defaults.
func NewOptions(getter kube.Getter, streams genericiooptions.IOStreams) *Options {
	return &Options{IOStreams: streams, Getter: getter, Output: formats[0], Interval: 15 * time.Second, MaxRequests: logstream.DefaultMaxRequests, Timeout: 5 * time.Minute, Now: time.Now}
}

// NewCmdReport returns the report command.
func NewCmdReport(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewOptions(getter, streams)
	cmd := &cobra.Command{
		Use:               "report EXPERIMENT [-o html|markdown] [--output-file FILE]",
		Short:             "Write an HTML report of an experiment: ranking, plots, usage, failures",
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
	return cmd
}

// AddFlags binds the command's flags to o.
func (o *Options) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", o.Output, "Output format. One of: ("+strings.Join(formats, ", ")+"). html is the page with plots; markdown the ranking table of \"results -o markdown\".")
	f.StringVar(&o.OutputFile, "output-file", "", "File to write the report to (default EXPERIMENT-report.html, or .md with -o markdown); - writes it to stdout.")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return formats, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.MarkFlagFilename("output-file", "html", "md")
	f.StringVar(&o.Metric, "metric", "", "Metric to rank by, as in results (default: the experiment file's, else a well-known one).")
	f.StringVar(&o.Goal, "goal", "", "max or min (or Katib's maximize, minimize): whether a larger or a smaller value is better, as in results.")
	f.StringArrayVar(&o.Patterns, "pattern", nil, "A regular expression whose named groups are metrics (repeatable), as in results.")
	f.BoolVarP(&o.Watch, "watch", "w", false, "Sample the CPU and memory of running trials every --interval until every trial has finished (or Ctrl-C), then write the report.")
	f.DurationVar(&o.Interval, "interval", o.Interval, "Time between usage samples with --watch (metrics-server scrapes every ~15s).")
	f.BoolVar(&o.Record, "record", false, "With --watch, also write each trial's peak usage (annotation "+keys.PeakUsage+") and a finished trial's metrics ("+keys.Results+") on its Job; the only writes this command makes.")
	f.IntVar(&o.MaxRequests, "max-log-requests", o.MaxRequests, "How many logs to read, and Jobs to patch, at the same time.")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "Give up reading the experiment after this long (the --watch itself is not bounded).")
}

// Complete reads the experiment argument and builds the clients.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	if o.OutputFile == "" {
		o.OutputFile = o.experiment + "-report" + map[string]string{"markdown": ".md"}[o.Output]
		if o.Output != "markdown" {
			o.OutputFile += ".html"
		}
	}
	if o.Watch {
		if o.metrics, err = o.Getter.MetricsClientSet(); err != nil {
			return err
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.goal, err = ranking.ParseGoal(o.Goal); err != nil {
		return fmt.Errorf("--goal: %w", err)
	}
	return nil
}

// Validate checks the flags; it does no I/O.
func (o *Options) Validate() error {
	if o.MaxRequests < 1 {
		return fmt.Errorf("--max-log-requests must be at least 1, got %d", o.MaxRequests)
	}
	if o.Watch && o.Interval <= 0 {
		return fmt.Errorf("--interval must be positive, got %v", o.Interval)
	}
	if o.Record && !o.Watch {
		return fmt.Errorf("--record needs --watch: it records the peaks the watch samples")
	}
	if !slices.Contains(formats, o.Output) {
		err := fmt.Errorf("--output: unknown format %q (allowed: %s)", o.Output, strings.Join(formats, ", "))
		if o.Output == "-" || strings.ContainsAny(o.Output, "./"+string(filepath.Separator)) {
			// -o named the file in earlier versions
			err = fmt.Errorf("%w; to choose the file, use --output-file %s", err, o.Output)
		}
		return err
	}
	return nil
}

// Run samples usage with --watch, reads the experiment and writes the report.
func (o *Options) Run(ctx context.Context) error {
	if o.OutputFile != "-" {
		// Before any request: a report that cannot be written is not made.
		if fi, err := os.Stat(o.OutputFile); err == nil && fi.IsDir() {
			return fmt.Errorf("--output-file: %s is a directory", o.OutputFile)
		}
	}
	rec := cpumem.NewPeakRecorder(o.client, o.ErrOut, o.Record, o.MaxRequests)
	if o.Watch {
		if err := o.watch(ctx, rec); err != nil {
			return err
		}
		if ctx.Err() != nil { // Ctrl-C: write what we have
			ctx = context.Background()
		}
	}
	ctx, cancel := kube.WithTimeout(ctx, o.Timeout)
	defer cancel()
	exp, err := collect.Collect(ctx, collect.Options{
		Client: o.client, Namespace: o.namespace, Experiment: o.experiment,
		Patterns: o.Patterns, Refresh: true, MaxRequests: o.MaxRequests,
		OpenLog: o.OpenLog, ErrOut: o.ErrOut,
	})
	if err != nil {
		return err
	}
	rec.Seed(exp.Jobs)
	rec.Flush(ctx, true)
	table := exp.Rank(o.Metric, o.goal)
	if o.Record {
		// The logs were read for the curves: record what finished trials
		// reported, so a later results reads none of them again.
		r := collect.Recorder{Client: o.client, Namespace: o.namespace, ErrOut: o.ErrOut, MaxRequests: o.MaxRequests}
		r.Record(ctx, exp.Items, table.Metric, exp.PatternsKey)
	}
	in := report.Input{
		Experiment: o.experiment, Namespace: o.namespace, Generated: o.Now(),
		Table: table, Statuses: exp.Statuses(),
		Peaks: rec.Peaks(), Limits: limits(exp), UsageHint: "kubectl mlexp report " + o.experiment + " --watch --record",
		Notes: notes(exp),
	}
	logs, err := logParams(exp.Jobs)
	if err != nil {
		in.Notes = append(in.Notes, fmt.Sprintf("The search stored on the Jobs could not be read (%v): each parameter's scale is guessed from its values.", err))
	}
	in.LogParams = logs
	return o.write(in)
}

// logParams returns the parameters an adaptive search samples on a log
// scale, from the experiment its Jobs carry: their axes are logarithmic
// even when the values span less than a decade. Other experiments do not
// store their space; the report guesses each scale from the values.
func logParams(jobs []batchv1.Job) ([]string, error) {
	stored, err := drive.StoredIn(jobs, experiment.Options{})
	if err != nil || stored == nil || stored.Search == nil {
		return nil, err
	}
	return stored.Search.Space.LogScaled(), nil
}

// limits returns each trial's CPU and memory limits from its Job's template.
func limits(exp *collect.Experiment) map[string]cpumem.Resources {
	out := make(map[string]cpumem.Resources, len(exp.Jobs))
	for i := range exp.Jobs {
		j := &exp.Jobs[i]
		out[j.Name] = cpumem.PodLimits(&j.Spec.Template.Spec)
	}
	return out
}

// notes says what the report could not show.
func notes(exp *collect.Experiment) []string {
	gone := 0
	for _, it := range exp.Items {
		if it.Pod == nil && it.Status.State.Finished() {
			gone++
		}
	}
	if gone == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d finished %s no pod any more: %s final metrics come from %s Job's record, without learning curves.",
		gone, map[bool]string{true: "trial has", false: "trials have"}[gone == 1],
		map[bool]string{true: "its", false: "their"}[gone == 1], map[bool]string{true: "its", false: "their"}[gone == 1])}
}

// write renders the report in -o's format to stdout or, through a
// temporary file renamed into place, to the output file, and says where it
// went.
func (o *Options) write(in report.Input) error {
	render := func(w io.Writer) error { return report.Write(w, in) }
	if o.Output == "markdown" {
		render = func(w io.Writer) error { return in.Table.WriteMarkdown(w, o.experiment) }
	}
	if o.OutputFile == "-" {
		return render(o.Out)
	}
	tmp, err := os.CreateTemp(filepath.Dir(o.OutputFile), ".mlexp-report-*")
	if err != nil {
		return fmt.Errorf("--output-file: %w", err)
	}
	defer os.Remove(tmp.Name())
	cw := &countWriter{w: tmp}
	if err := render(cw); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), o.OutputFile); err != nil {
		return fmt.Errorf("--output-file: %w", err)
	}
	rows := 0
	if in.Table != nil {
		rows = len(in.Table.Rows)
	}
	fmt.Fprintf(o.Out, "report of %s (%d trials) written to %s (%s)\n", o.experiment, rows, o.OutputFile, size(cw.n))
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
