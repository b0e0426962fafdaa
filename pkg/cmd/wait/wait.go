// Package wait implements `kubectl mlexp wait EXP`: it watches an
// experiment until every trial has finished and tells, by its exit status,
// whether they all succeeded. submit --wait uses the same Waiter.
package wait

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/waiting"
)

var long = templates.LongDesc(`
	Wait until every trial of an experiment has finished, like kubectl wait, printing one
	line per trial as it ends (trials already finished first). --for=succeeded (the
	default) is met when every trial succeeded; --for=finished when every trial has
	finished, whatever the outcome. --trial, --param-selector and -l/--selector wait
	for some trials only. With --fail-fast the first failure ends a --for=succeeded wait.

	` + common.WaitExitCodesHelp + `

	A trial whose Job is deleted before it finishes (delete, ttlSecondsAfterFinished)
	counts as failed. A retried trial counts with its newest run.

	A watch that breaks is resumed. When the API server stops answering, wait says so
	on stderr and goes on; it ends with an error after --server-loss-timeout without
	an answer.

	API requests: one List and one watch each of the experiment's Jobs and pods, whatever
	the number of trials; nothing is polled.`)

var example = templates.Examples(`
	# Wait for experiment mnist; exit 0 only if every trial succeeded
	kubectl mlexp wait mnist

	# In CI: give up after an hour (exit 2), fail as soon as a trial fails (exit 1)
	kubectl mlexp wait mnist --timeout 1h --fail-fast

	# Only wait until every trial has ended, whatever the outcome
	kubectl mlexp wait mnist --for=finished

	# Submit and wait in one step
	kubectl mlexp submit -f experiment.yaml --wait`)

// Options holds the wait command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	common.TrialFlags

	For      string
	Timeout  time.Duration
	FailFast bool

	waiter waiting.Waiter
}

// NewCmdWait returns the wait command.
func NewCmdWait(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, For: string(waiting.ForSucceeded)}
	cmd := &cobra.Command{
		Use:               "wait EXPERIMENT",
		Short:             "Wait for an experiment's trials to finish; the exit status says if they all succeeded",
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
	o.TrialFlags.AddFlags(f, "Wait for")
	f.StringVar(&o.For, "for", o.For, "The condition: succeeded (every trial succeeded) or finished (every trial ended, whatever the outcome).")
	_ = cmd.RegisterFlagCompletionFunc("for", common.CompleteWords("succeeded", "finished"))
	f.DurationVar(&o.Timeout, "timeout", 0, "Give up after this long, with exit status 2; 0 waits until the condition is decided.")
	f.BoolVar(&o.FailFast, "fail-fast", false, "With --for=succeeded, stop at the first failed trial (exit status 1).")
	return cmd
}

// Complete reads the argument and flags and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	w := &o.waiter
	w.Out, w.ErrOut, w.Client, w.Namespace, w.Experiment = o.Out, o.ErrOut, t.Client, t.Namespace, t.Experiment
	if w.Filter, err = o.TrialFlags.Filter(t.Experiment); err != nil {
		return err
	}
	if w.Selector, err = o.TrialFlags.Selector(t.Experiment); err != nil {
		return err
	}
	w.FailFast, w.Timeout = o.FailFast, o.Timeout
	if w.For, err = waiting.ParseCondition(o.For); err != nil {
		return fmt.Errorf("--for: %w", err)
	}
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.Timeout < 0 {
		return fmt.Errorf("--timeout: must not be negative, got %v", o.Timeout)
	}
	return nil
}

// Run waits.
func (o *Options) Run(ctx context.Context) error {
	return o.waiter.Wait(ctx)
}
