package suspend

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

var resumeLong = templates.LongDesc(`
	Release the suspended trials of an experiment (submit --suspend, kubectl mlexp
	suspend) in the experiment's order, all of them or the first N with --count.

	Nothing in the plugin decides what runs next: a released Job's pods are the
	scheduler's to place (they may wait Pending for a free CPU), and a trial of a Kueue
	queue goes back in its queue (its Workload is reactivated), where Kueue admits it as
	the quota allows. Trials waiting in a Kueue queue are not released by hand: when they
	run is Kueue's decision. On a cluster that does not serve Kueue's API, trials labelled
	for a queue are released by hand, with a warning.

	API requests: one List of the experiment's Jobs (and of the namespace's Workloads when it
	uses a queue), then one patch per trial, 16 at a time.`)

var resumeExample = templates.Examples(`
	# Release every suspended trial of experiment mnist
	kubectl mlexp resume mnist

	# Release the next 3, in the experiment's order
	kubectl mlexp resume mnist --count 3

	# Release one trial
	kubectl mlexp resume mnist --trial 0123abcd`)

// NewCmdResume returns the resume command.
func NewCmdResume(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, verb: "resume", resume: true}
	cmd := &cobra.Command{
		Use:               "resume EXPERIMENT",
		Short:             "Release suspended trials of an experiment, in order, at most --count",
		Long:              resumeLong,
		Example:           resumeExample,
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
	addFlags(cmd, o, "Resume")
	cmd.Flags().IntVar(&o.Count, "count", 0, "Release at most this many suspended trials, the first in the experiment's order (default: all).")
	return cmd
}
