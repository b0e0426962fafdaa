// Package cmd assembles the kubectl-mlexp command tree.
package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/cmd/options"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/util/completion"
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
		// Runnable, as kubectl's root, so that its help points at options.
		Run: func(c *cobra.Command, _ []string) { _ = c.Help() },
		Annotations: map[string]string{
			// Makes cobra print "kubectl mlexp" in usage lines.
			cobra.CommandDisplayNameAnnotation: "kubectl mlexp",
		},
	}
	flags.AddFlags(root.PersistentFlags())
	registerGlobalCompletions(root, flags)
	kube.AddServerLossFlag(root.PersistentFlags())
	for _, sub := range Subcommands(getter, streams) {
		root.AddCommand(sub)
	}
	for _, sub := range root.Commands() {
		locateMissing(sub, getter)
	}
	root.AddCommand(versioncmd.NewCmdVersion(streams))
	// As kubectl: each verb's help shows its own flags, and the global
	// ones (--kubeconfig, -n, ...) are listed by "kubectl mlexp options".
	root.AddCommand(options.NewCmdOptions(streams.Out))
	templates.ActsAsRootCommand(root, nil)
	tidyHelp(root)
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

// tidyHelp removes the space kubectl's help renderer (templates.LongDesc)
// puts before every paragraph but the first, in c and its subcommands.
func tidyHelp(c *cobra.Command) {
	lines := strings.Split(c.Long, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "  ") {
			lines[i] = l[1:]
		}
	}
	c.Long = strings.Join(lines, "\n")
	for _, s := range c.Commands() {
		tidyHelp(s)
	}
}

// registerGlobalCompletions completes -n with the cluster's namespaces and
// --context, --cluster and --user from the kubeconfig, as kubectl does.
func registerGlobalCompletions(root *cobra.Command, flags *genericclioptions.ConfigFlags) {
	f := cmdutil.NewFactory(cmdutil.NewMatchVersionFlags(flags))
	completion.SetFactoryForCompletion(f)
	from := func(list func(string) []string) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return list(toComplete), cobra.ShellCompDirectiveNoFileComp
		}
	}
	_ = root.RegisterFlagCompletionFunc("namespace", from(func(s string) []string { return completion.CompGetResource(f, "namespace", s) }))
	_ = root.RegisterFlagCompletionFunc("context", from(completion.ListContextsInConfig))
	_ = root.RegisterFlagCompletionFunc("cluster", from(completion.ListClustersInConfig))
	_ = root.RegisterFlagCompletionFunc("user", from(completion.ListUsersInConfig))
}

// locateMissing makes c's "experiment not found" error say in which
// namespaces the experiment does exist (one List across namespaces, made
// only when the experiment is missing).
func locateMissing(c *cobra.Command, getter kube.Getter) {
	run := c.RunE
	if run == nil {
		return
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if kube.IsNotFound(err) {
			ctx := cmd.Context()
			err = kube.Locate(ctx, getter, err)
		}
		return err
	}
}
