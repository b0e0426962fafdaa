// Package delete implements `kubectl mlexp delete EXP`: it removes the Jobs
// and pods carrying the experiment's label, and nothing else.
package delete

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/labels"
)

var example = templates.Examples(`
	# Delete experiment mnist: its Jobs and their pods
	kubectl mlexp delete mnist

	# Show what would be deleted
	kubectl mlexp delete mnist --dry-run=client

	# Delete without waiting for the pods to go
	kubectl mlexp delete mnist --wait=false`)

// Options holds the delete command's flags.
type Options struct {
	genericiooptions.IOStreams
	Getter  kube.Getter
	Output  string
	Wait    bool
	Timeout time.Duration
	// IgnoreNotFound makes a missing experiment a success, as in kubectl.
	IgnoreNotFound bool

	experiment string
	namespace  string
	client     kubernetes.Interface
	dryRun     common.DryRun
}

// NewCmdDelete returns the delete command.
func NewCmdDelete(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Wait: true, Timeout: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:               "delete EXPERIMENT",
		Short:             "Delete an experiment's Jobs and pods, nothing else",
		Example:           example,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteExperiments(getter),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.dryRun, err = common.ParseDryRun(cmd); err != nil {
				return err
			}
			if err := o.Complete(args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	common.AddDryRunFlag(cmd)
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "Output format: name (the default prints kubectl's \"deleted\" lines).")
	cmd.Flags().BoolVar(&o.Wait, "wait", o.Wait, "Wait until the experiment's Jobs and pods are gone.")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
	cmd.Flags().BoolVar(&o.IgnoreNotFound, "ignore-not-found", false, "Treat an experiment that does not exist as deleted.")
	return cmd
}

// Complete reads the argument and flags.
func (o *Options) Complete(args []string) error {
	if err := common.ValidateOutput(o.Output, "", "name"); err != nil {
		return err
	}
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	return nil
}

// Run deletes the experiment: one List to name what goes, then one
// DeleteCollection of Jobs (their pods follow by garbage collection) and
// one of pods left without a Job, all by the experiment's label.
func (o *Options) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	sel := labels.ForExperiment(o.experiment)
	jobs, err := kube.ListJobs(ctx, o.client, o.namespace, sel)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		if o.IgnoreNotFound {
			return nil
		}
		return kube.ExperimentNotFound(o.experiment, o.namespace)
	}
	suffix := o.dryRun.Suffix()
	if o.dryRun != common.DryRunClient {
		policy := metav1.DeletePropagationBackground
		opts := metav1.DeleteOptions{PropagationPolicy: &policy}
		if o.dryRun == common.DryRunServer {
			opts.DryRun = []string{metav1.DryRunAll}
		}
		list := metav1.ListOptions{LabelSelector: sel}
		if err := o.client.BatchV1().Jobs(o.namespace).DeleteCollection(ctx, opts, list); err != nil {
			return fmt.Errorf("delete jobs of experiment %q: %w", o.experiment, err)
		}
		if err := o.client.CoreV1().Pods(o.namespace).DeleteCollection(ctx, opts, list); err != nil {
			return fmt.Errorf("delete pods of experiment %q: %w", o.experiment, err)
		}
	}
	for _, j := range jobs {
		if o.Output == "name" {
			fmt.Fprintf(o.Out, "job.batch/%s\n", j.Name)
			continue
		}
		fmt.Fprintf(o.Out, "job.batch \"%s\" deleted%s\n", j.Name, suffix)
	}
	if o.dryRun != common.DryRunNone || !o.Wait {
		return nil
	}
	return o.waitGone(ctx, sel)
}

// waitGone polls (one List each of Jobs and pods) until nothing of the
// experiment is left.
func (o *Options) waitGone(ctx context.Context, sel string) error {
	var left int
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, o.Timeout, true, func(ctx context.Context) (bool, error) {
		jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, sel)
		if err != nil {
			return false, err
		}
		left = len(jobs) + len(pods)
		return left == 0, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for experiment %q to be deleted (%d objects left): %w", o.experiment, left, err)
	}
	return nil
}
