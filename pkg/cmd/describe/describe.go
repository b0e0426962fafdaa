// Package describe implements `kubectl mlexp describe EXP [TRIAL]`:
// kubectl-describe-style text of one trial (parameters, Job and pod
// conditions, container states, resources, attempts, events, metrics and
// the end of its log), or a summary of the whole experiment.
package describe

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var long = templates.LongDesc(`
	Show one trial as kubectl describe would: its parameters and state, the Job's
	conditions, its containers' images and resources, the newest pod's conditions and
	container states (reasons, exit codes), every attempt (earlier ones from a retry),
	its events oldest first, the metrics 'kubectl mlexp results' recorded, and the last
	lines of its log (--tail).

	Without TRIAL, a summary of the experiment: trials by state, when it was
	submitted, its parameters, images and resources, retried trials, trials without a
	Job, and why trials wait or failed, grouped.

	API requests: one List each of the trial's (or experiment's) Jobs and pods; for a trial,
	one List of the namespace's events and one log request.`)

var example = templates.Examples(`
	# One trial (the hash part of its name is enough)
	kubectl mlexp describe mnist 1a2b3c4d

	# The experiment as a whole
	kubectl mlexp describe mnist`)

// Options holds the describe command's flags and client.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	// Tail is how many lines of the trial's log to show.
	Tail int64
	// Now returns the current time; tests fix it.
	Now func() time.Time

	experiment string
	trial      string
	namespace  string
	client     kubernetes.Interface
}

// NewCmdDescribe returns the describe command.
func NewCmdDescribe(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	return newCmdDescribe(getter, streams, time.Now)
}

// newCmdDescribe returns the describe command measuring ages against now.
func newCmdDescribe(getter kube.Getter, streams genericiooptions.IOStreams, now func() time.Time) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Tail: 20, Now: now}
	cmd := &cobra.Command{
		Use:               "describe EXPERIMENT [TRIAL]",
		Short:             "Show one trial in detail, or a summary of an experiment",
		Long:              long,
		Example:           example,
		Args:              cobra.MaximumNArgs(2),
		ValidArgsFunction: common.CompleteTrials(getter),
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
	cmd.Flags().Int64Var(&o.Tail, "tail", o.Tail, "Lines of the end of the trial's log to show; 0 shows none.")
	return cmd
}

// Complete reads the arguments and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	if len(args) > 1 {
		o.trial = trial.FullName(o.experiment, args[1])
	}
	return nil
}

// Validate checks --tail; it does no I/O.
func (o *Options) Validate() error {
	if o.Tail < 0 {
		return fmt.Errorf("--tail: must be 0 (no log) or more, got %d", o.Tail)
	}
	return nil
}

// Run prints the description.
func (o *Options) Run(ctx context.Context) error {
	if o.trial != "" {
		return o.describeTrial(ctx)
	}
	return o.describeExperiment(ctx)
}

// tabbed runs fn on a tab writer laid out as kubectl describe's and
// writes the result to w.
func tabbed(w io.Writer, fn func(io.Writer)) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fn(tw)
	return tw.Flush()
}
