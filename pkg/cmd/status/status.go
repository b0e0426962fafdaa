// Package status implements `kubectl mlexp status EXP`: one row per trial,
// derived from one List of the experiment's Jobs and one of its pods.
package status

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var example = templates.Examples(`
	# Show every trial of experiment mnist, with its parameters and state
	kubectl mlexp status mnist

	# Watch the trials change state until all of them have finished
	kubectl mlexp status mnist -w

	# Full scheduler messages, pods and exit codes
	kubectl mlexp status mnist -o wide

	# Machine-readable
	kubectl mlexp status mnist -o json`)

// Options holds the status command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter    kube.Getter
	Output    string
	Watch     bool
	NoHeaders bool
	// Now returns the current time; tests fix it.
	Now func() time.Time

	experiment string
	namespace  string
	client     kubernetes.Interface
}

// Result is what `status -o json|yaml` prints.
type Result struct {
	Experiment string         `json:"experiment"`
	Namespace  string         `json:"namespace"`
	Summary    map[string]int `json:"summary"`
	Trials     []trial.Status `json:"trials"`
}

// NewCmdStatus returns the status command.
func NewCmdStatus(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Now: time.Now}
	cmd := &cobra.Command{
		Use:               "status EXPERIMENT",
		Short:             "Show the state of every trial of an experiment",
		Long:              templates.LongDesc(`Show one row per trial: its parameters, its state (Pending with the scheduler's reason, Running, Succeeded, Failed with reason and exit code, OOMKilled with the memory limit it hit, Suspended), restarts, node, age and duration, then a summary line.`),
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
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "Output format: wide, json or yaml.")
	cmd.Flags().BoolVarP(&o.Watch, "watch", "w", false, "After the table, print each trial whose state changes, until every trial has finished.")
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "Print the table without its header row.")
	return cmd
}

// Complete reads the experiment argument and builds the client.
func (o *Options) Complete(args []string) error {
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := common.ValidateOutput(o.Output, "", "wide", "json", "yaml"); err != nil {
		return err
	}
	if o.Watch && (o.Output == "json" || o.Output == "yaml") {
		return fmt.Errorf("--watch prints tables: it cannot be used with --output %s", o.Output)
	}
	return nil
}

// Run prints the experiment's trials once, or watches them with --watch.
func (o *Options) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	sel := labels.ForExperiment(o.experiment)
	if o.Watch {
		return o.watch(ctx, sel)
	}
	jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, sel)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		return o.notFound()
	}
	statuses := trial.Collect(jobs, pods)
	switch o.Output {
	case "json", "yaml":
		return common.PrintData(o.Out, o.Output, o.result(statuses))
	}
	if err := o.printer().Print(o.Out, statuses); err != nil {
		return err
	}
	fmt.Fprintln(o.Out, trial.Count(statuses).String())
	return nil
}

func (o *Options) notFound() error {
	return kube.ExperimentNotFound(o.experiment, o.namespace)
}

func (o *Options) printer() TablePrinter {
	return TablePrinter{Wide: o.Output == "wide", NoHeaders: o.NoHeaders, Now: o.Now()}
}

func (o *Options) result(statuses []trial.Status) Result {
	sum := map[string]int{}
	for st, n := range trial.Count(statuses) {
		sum[strings.ToLower(string(st))] = n
	}
	return Result{Experiment: o.experiment, Namespace: o.namespace, Summary: sum, Trials: statuses}
}

// watch prints the table, then one row for every trial whose state, reason,
// restarts or node changes, aligned with the table, and the summary
// whenever it changes; it ends when every trial has finished.
func (o *Options) watch(ctx context.Context, sel string) error {
	last := map[string]string{}
	lastSummary := ""
	var names []string
	first := true
	rw := &rowWriter{w: o.Out}
	return kube.WatchJobsAndPods(ctx, o.client, o.namespace, sel, func(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
		if len(jobs) == 0 {
			if first {
				return true, o.notFound()
			}
			fmt.Fprintf(o.ErrOut, "experiment %q has no Jobs any more\n", o.experiment)
			return true, nil
		}
		statuses := trial.Collect(jobs, pods)
		p := o.printer()
		var rows [][]string
		if first {
			names = ParamNames(statuses)
			if !o.NoHeaders {
				rows = append(rows, p.Header(names))
			}
			first = false
		}
		for i := range statuses {
			s := &statuses[i]
			key := fmt.Sprintf("%s|%s|%d|%s", s.State, Reason(s, true), s.Restarts, s.Node)
			if last[s.Name] == key {
				continue
			}
			last[s.Name] = key
			rows = append(rows, p.Row(s, names))
		}
		rw.write(rows)
		counts := trial.Count(statuses)
		if sum := counts.String(); sum != lastSummary {
			fmt.Fprintln(o.ErrOut, sum)
			lastSummary = sum
		}
		return counts.Finished(), nil
	})
}
