// Package tune implements `kubectl mlexp tune EXPERIMENT`: it continues an
// adaptive search from its Jobs alone, on any machine.
package tune

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
)

var long = templates.LongDesc(`
	Drive an experiment's adaptive search (tpe, bayesianoptimization, cmaes, sobol,
	hyperband, a search with early stopping, or one submitted with --drive) until it
	ends: create the next trials as earlier ones finish, never more than its
	parallel trials at once, stop trials the early-stopping rule names, and record
	each finished trial's objective on its Job.

	submit drives the search it creates in the foreground; when that stops (Ctrl-C,
	a closed laptop), tune continues it from any machine. It reads everything from
	the experiment's Jobs: the experiment itself, every trial's parameters, index and
	objective, and the algorithm's seed. No file is needed, and nothing is kept
	locally.

	One driver at a time: the driver holds a Lease (coordination.k8s.io) named
	mlexp-EXPERIMENT, renewed every few seconds. A second tune says who holds it and
	waits until it is released or expires (20 seconds after its last renewal, when
	its driver was killed), then continues; two tunes started together end with one
	search. Trials are named by their index, so a trial made twice is refused by the
	API server instead of doubled.

	--driver=cluster runs the driver as one more Job of the experiment instead (see
	kubectl mlexp submit --help and docs/search.md) and returns once it is created.

	Exit status: 0 when the search ended (maximum trials finished, goal reached, or
	no trial left to suggest); 1 when it failed (maxFailedTrialCount trials failed) or
	on any other error.`)

var example = templates.Examples(`
	# Continue the search of experiment tpe-demo after its submit was interrupted
	kubectl mlexp tune tpe-demo

	# In another namespace
	kubectl mlexp tune tpe-demo -n team-a

	# Move the search into the cluster: a driver Job goes on without this terminal
	kubectl mlexp tune tpe-demo --driver=cluster`)

// Options holds the tune command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	// MaxRequests caps concurrent log reads and writes.
	MaxRequests int
	// Driver chooses where the driver runs (--driver).
	Driver common.DriverFlags

	target common.Target
	hint   common.Hint
}

// NewCmdTune returns the tune command.
func NewCmdTune(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, MaxRequests: logstream.DefaultMaxRequests}
	cmd := &cobra.Command{
		Use:               "tune EXPERIMENT",
		Short:             "Drive an adaptive search until it ends: continue it from any machine",
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
	cmd.Flags().IntVar(&o.MaxRequests, "max-log-requests", o.MaxRequests, "How many logs to read, and Jobs to patch, at the same time.")
	o.Driver.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("driver", common.CompleteWords(common.DriverTerminal, common.DriverCluster))
	common.RefuseAllNamespaces(cmd)
	return cmd
}

// Complete reads the experiment argument and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.target = t
	o.hint = common.NewHint(o.Getter, t.Namespace)
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.MaxRequests < 1 {
		return fmt.Errorf("--max-log-requests must be at least 1, got %d", o.MaxRequests)
	}
	return o.Driver.Validate()
}

// Run drives the search.
func (o *Options) Run(ctx context.Context) error {
	t := o.target
	exp, err := drive.Stored(ctx, t.Client, t.Namespace, t.Experiment, experiment.Options{})
	if err != nil {
		return err
	}
	if o.Driver.InCluster() {
		if err := kube.CheckAccess(ctx, t.Client, t.Namespace, o.Driver.Needs()); err != nil {
			return err
		}
		return o.Driver.Start(ctx, t.Client, t.Namespace, exp.Name, o.hint, o.ErrOut)
	}
	if err := kube.CheckAccess(ctx, t.Client, t.Namespace, drive.Needs); err != nil {
		return err
	}
	return drive.Foreground(ctx, drive.ForegroundOptions{Out: o.Out, ErrOut: o.ErrOut, Progress: common.IsTerminal(o.ErrOut),
		Client: t.Client, Namespace: t.Namespace, Exp: exp, MaxRequests: o.MaxRequests,
		Hint: "kubectl mlexp tune " + t.Experiment})
}
