package suspend

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

var suspendLong = templates.LongDesc(`
	Suspend the trials of an experiment that have not finished, or those chosen with
	--trial, --param-selector or --selector.

	A suspended trial does not start; a running trial's pod is stopped (the Job
	controller deletes it, as the Job API does for a suspended Job) and the trial starts
	over from the beginning when it is resumed. Finished trials are left alone.

	Trials submitted to a Kueue queue are suspended through Kueue, which owns their Jobs'
	spec.suspend: their Workload is deactivated (spec.active: false), Kueue evicts it and
	suspends the Job; kubectl mlexp resume puts it back in its queue.

	API requests: one List of the experiment's Jobs (and of the namespace's Workloads when it
	uses a queue), then one patch per trial, 16 at a time.`)

var suspendExample = templates.Examples(`
	# Stop every unfinished trial of experiment mnist
	kubectl mlexp suspend mnist

	# Only the trials with dropout 0.5
	kubectl mlexp suspend mnist --param-selector dropout=0.5

	# See what would be suspended
	kubectl mlexp suspend mnist --dry-run=client`)

// NewCmdSuspend returns the suspend command.
func NewCmdSuspend(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, verb: "suspend"}
	cmd := &cobra.Command{
		Use:               "suspend EXPERIMENT",
		Short:             "Suspend the unfinished trials of an experiment (running pods stop; they start over on resume)",
		Long:              suspendLong,
		Example:           suspendExample,
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
	addFlags(cmd, o, "Suspend")
	return cmd
}

// addFlags binds the flags both verbs have.
func addFlags(cmd *cobra.Command, o *Options, what string) {
	o.Trials.AddFlags(cmd.Flags(), what)
	common.AddDryRunFlag(cmd)
	o.PrintFlags = common.NewWritePrintFlags("")
	o.PrintFlags.AddFlags(cmd)
}
