// Package cmd assembles the kubectl-mlexp command tree.
package cmd

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/convert"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/delete"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/describe"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/events"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/list"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/logs"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/report"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/results"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/retry"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/status"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/submit"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/suspend"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/top"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/tune"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/versioncmd"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/wait"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

var rootLong = templates.LongDesc(`
	Run a grid of hyper-parameters as Kubernetes Jobs and see the experiment as one thing.

	One experiment file names a training image, a Job template and a parameter space;
	submit turns it into one Job per trial. Nothing is installed in the cluster: an
	experiment is the set of Jobs carrying its label.`)

var rootExample = templates.Examples(`
	# Submit an experiment, watch it, read its logs and compare results
	kubectl mlexp submit -f experiment.yaml
	kubectl mlexp status mnist -w
	kubectl mlexp logs mnist --all -f
	kubectl mlexp top mnist`)

// NewCmdMlexp returns the root command with every subcommand; kubectl's
// connection flags (--kubeconfig, --context, -n, ...) are persistent flags.
func NewCmdMlexp(streams genericiooptions.IOStreams) *cobra.Command {
	flags := genericclioptions.NewConfigFlags(true)
	getter := kube.NewFlagsGetter(flags)
	root := &cobra.Command{
		Use:           "kubectl-mlexp",
		Short:         "Run hyper-parameter experiments as Kubernetes Jobs",
		Long:          rootLong,
		Example:       rootExample,
		SilenceUsage:  true,
		SilenceErrors: true,
		Annotations: map[string]string{
			// Makes cobra print "kubectl mlexp" in usage lines.
			cobra.CommandDisplayNameAnnotation: "kubectl mlexp",
		},
	}
	flags.AddFlags(root.PersistentFlags())
	kube.AddServerLossFlag(root.PersistentFlags())
	for _, sub := range Subcommands(getter, streams) {
		root.AddCommand(sub)
	}
	root.AddCommand(versioncmd.NewCmdVersion(streams))
	return root
}

// Subcommands returns the commands that talk to a cluster through getter.
func Subcommands(getter kube.Getter, streams genericiooptions.IOStreams) []*cobra.Command {
	return []*cobra.Command{
		submit.NewCmdSubmit(getter, streams),
		tune.NewCmdTune(getter, streams),
		list.NewCmdList(getter, streams),
		status.NewCmdStatus(getter, streams),
		logs.NewCmdLogs(getter, streams),
		top.NewCmdTop(getter, streams),
		events.NewCmdEvents(getter, streams),
		results.NewCmdResults(getter, streams),
		report.NewCmdReport(getter, streams),
		suspend.NewCmdSuspend(getter, streams),
		suspend.NewCmdResume(getter, streams),
		delete.NewCmdDelete(getter, streams),
		retry.NewCmdRetry(getter, streams),
		wait.NewCmdWait(getter, streams),
		describe.NewCmdDescribe(getter, streams),
		convert.NewCmdConvert(streams),
	}
}
