// Package delete implements `kubectl mlexp delete EXP...`: it removes the
// Jobs and pods carrying the experiments' label, or only some trials'
// with --trial, --param-selector, -l/--selector or --failed, and nothing
// else.
package delete

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
)

var long = templates.LongDesc(`
	Delete experiments: the Jobs carrying their label and the Jobs' pods, nothing else.
	Several experiments may be named, as names or as what 'kubectl mlexp list -o name'
	prints (experiment/NAME).

	--trial, --param-selector (on the trials' parameters), -l/--selector (a label selector
	on the Jobs, as in kubectl) and --failed delete only some trials; the others are left
	untouched. A re-submit of the experiment file creates deleted trials again.

	Every experiment and trial named is checked before anything is deleted.

	An experiment whose search runs in the cluster (submit --driver=cluster) loses its
	driver first: its Job is deleted and waited for, so that it cannot create a trial
	during the delete; then the trials go, then the driver's ServiceAccount, Role and
	RoleBinding. --dry-run lists them too.

	With --wait (the default) it waits until they are gone, and, for trials submitted
	to a Kueue queue, until their Workloads are gone too (Kueue owns them through the
	Jobs: the garbage collector deletes them once Kueue has released them).`)

var example = templates.Examples(`
	# Delete experiment mnist: its Jobs and their pods
	kubectl mlexp delete mnist

	# Delete every experiment of the namespace
	kubectl mlexp list -o name | xargs kubectl mlexp delete

	# Delete only the failed trials, or one trial, or the trials with a parameter value
	kubectl mlexp delete mnist --failed
	kubectl mlexp delete mnist --trial 1a2b3c4d
	kubectl mlexp delete mnist --param-selector activation=linear

	# Show what would be deleted
	kubectl mlexp delete mnist --dry-run=client

	# Delete without waiting for the pods to go
	kubectl mlexp delete mnist --wait=false`)

// Options holds the delete command's flags.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	common.TrialFlags
	// PrintFlags are -o: name, or the Jobs deleted (json, yaml, templates).
	PrintFlags *common.WritePrintFlags
	Wait       bool
	Timeout    time.Duration
	// Failed deletes only the trials that failed.
	Failed bool
	// IgnoreNotFound makes a missing experiment a success, as in kubectl.
	IgnoreNotFound bool

	experiments []string
	namespace   string
	client      kubernetes.Interface
	dryRun      common.DryRun
	kueue       *kueue.Client // discovered on the first queued target
}

// NewCmdDelete returns the delete command.
func NewCmdDelete(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, PrintFlags: common.NewWritePrintFlags("deleted"), Wait: true, Timeout: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:               "delete EXPERIMENT...",
		Short:             "Delete experiments' Jobs and pods, or some of their trials, nothing else",
		Long:              long,
		Example:           example,
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
	o.TrialFlags.AddFlags(f, "Delete")
	f.BoolVar(&o.Failed, "failed", false, "Delete only the trials that failed (OOMKilled included).")
	common.AddDryRunFlag(cmd)
	o.PrintFlags.AddFlags(cmd)
	f.BoolVar(&o.Wait, "wait", o.Wait, "Wait until the deleted Jobs and their pods are gone.")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
	f.BoolVar(&o.IgnoreNotFound, "ignore-not-found", false, "Treat an experiment that does not exist as deleted.")
	common.RegisterTrialCompletions(cmd, getter)
	return cmd
}

// Complete reads the arguments and --dry-run, and builds the client.
func (o *Options) Complete(f kube.Getter, cmd *cobra.Command, args []string) error {
	o.Getter = f
	var err error
	if o.dryRun, err = common.ParseDryRun(cmd); err != nil {
		return err
	}
	if len(args) == 0 {
		_, err := common.ExperimentArg(args)
		return err
	}
	seen := map[string]bool{}
	for _, a := range args {
		name, err := common.ExperimentName(a)
		if err != nil {
			return err
		}
		if !seen[name] {
			seen[name] = true
			o.experiments = append(o.experiments, name)
		}
	}
	if o.namespace, err = o.Getter.Namespace(); err != nil {
		return err
	}
	o.client, err = o.Getter.KubernetesClientSet()
	return err
}

// Validate checks -o and the trial selection flags; it does no I/O.
func (o *Options) Validate() error {
	if err := o.PrintFlags.Validate(); err != nil {
		return err
	}
	if len(o.experiments) == 0 {
		return nil // Complete said an experiment is needed
	}
	if _, err := o.TrialFlags.Selector(o.experiments[0]); err != nil {
		return err
	}
	_, err := o.TrialFlags.Filter(o.experiments[0])
	return err
}

// Run works out what goes in every experiment (one List of Jobs each),
// checks that the user may delete both collections (nothing is deleted
// otherwise), then deletes it: one DeleteCollection of Jobs (their pods
// follow by garbage collection) and one of pods, by label, per experiment,
// or per chunk of trial names when only some trials go.
func (o *Options) Run(ctx context.Context) error {
	targets, err := o.targets(ctx)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		if !o.IgnoreNotFound || o.TrialFlags.Narrowed() || o.Failed {
			common.NoResources(o.ErrOut, o.namespace, false)
		}
		return nil
	}
	suffix := o.dryRun.Suffix()
	if o.dryRun != common.DryRunClient {
		if err := kube.CheckAccess(ctx, o.client, o.namespace, []kube.Access{
			{Verb: "deletecollection", Group: "batch", Resource: "jobs"},
			{Verb: "deletecollection", Resource: "pods"},
		}); err != nil {
			return err
		}
	}
	drivers, err := o.drivers(ctx, targets)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if len(drivers[t.experiment]) > 0 {
			if err := o.stopDriver(ctx, t.experiment); err != nil {
				return err
			}
		}
		if o.dryRun != common.DryRunClient {
			if err := o.deleteTarget(ctx, t); err != nil {
				return err
			}
		}
		if err := o.print(t, suffix); err != nil {
			return err
		}
		if objs := drivers[t.experiment]; len(objs) > 0 {
			if err := o.removeDriver(ctx, t.experiment, objs); err != nil {
				return err
			}
		}
	}
	if o.dryRun != common.DryRunNone || !o.Wait {
		return nil
	}
	for _, t := range targets {
		wls, err := o.workloadsOf(ctx, t.jobs)
		if err != nil {
			return err
		}
		if err := o.waitGone(ctx, t, wls); err != nil {
			return err
		}
	}
	return nil
}

// print prints what goes of one target: kubectl delete's lines
// `job.batch "NAME" deleted` by default, else through -o.
func (o *Options) print(t target, suffix string) error {
	if o.PrintFlags.Default() {
		for _, name := range t.names {
			fmt.Fprintf(o.Out, "job.batch \"%s\" deleted%s\n", name, suffix)
		}
		return nil
	}
	jobs := make([]*batchv1.Job, 0, len(t.names))
	byName := map[string]*batchv1.Job{}
	for i := range t.jobs {
		byName[t.jobs[i].Name] = &t.jobs[i]
	}
	for _, name := range t.names {
		j := byName[name]
		if j == nil {
			j = &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: o.namespace}}
		}
		jobs = append(jobs, j)
	}
	return o.PrintFlags.PrintJobs(o.Out, jobs, nil)
}

// deleteTarget deletes the Jobs and pods of one target by label.
func (o *Options) deleteTarget(ctx context.Context, t target) error {
	policy := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{PropagationPolicy: &policy}
	if o.dryRun == common.DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	for _, sel := range t.selectors() {
		list := metav1.ListOptions{LabelSelector: sel}
		if err := o.client.BatchV1().Jobs(o.namespace).DeleteCollection(ctx, opts, list); err != nil {
			return fmt.Errorf("delete jobs of experiment %q: %w", t.experiment, err)
		}
		if err := o.client.CoreV1().Pods(o.namespace).DeleteCollection(ctx, opts, list); err != nil {
			return fmt.Errorf("delete pods of experiment %q: %w", t.experiment, err)
		}
	}
	return nil
}

// waitGone polls (one metadata-only List each of Jobs and pods, and one of
// Workloads when the trials were queued) until nothing of the target is left.
func (o *Options) waitGone(ctx context.Context, t target, wls *workloads) error {
	var left, leftWorkloads int
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, o.Timeout, true, func(ctx context.Context) (bool, error) {
		// Names and trial labels are all count reads: metadata only.
		jobs, err := kube.ListJobMeta(ctx, o.client, o.namespace, t.base())
		if err != nil {
			return false, err
		}
		pods, err := kube.ListPodMeta(ctx, o.client, o.namespace, t.base())
		if err != nil {
			return false, err
		}
		if leftWorkloads, err = wls.left(ctx, o.namespace); err != nil {
			return false, err
		}
		left = t.count(jobs, pods) + leftWorkloads
		return left == 0, nil
	})
	if err != nil {
		msg := fmt.Sprintf("waiting for experiment %q to be deleted (%d objects left", t.experiment, left)
		if leftWorkloads > 0 {
			msg += fmt.Sprintf(", %d of them Kueue Workloads: Kueue removes their finalizer, is it running?", leftWorkloads)
		}
		return fmt.Errorf("%s): %w", msg, err)
	}
	return nil
}
