// Package retry implements `kubectl mlexp retry EXP [TRIAL...]`: it re-runs
// finished trials under the same names, OOMKilled ones with more memory,
// and keeps every earlier attempt on the trial's Job.
package retry

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var long = templates.LongDesc(`
	Re-run finished trials of an experiment under the same names. Without TRIAL, every
	failed trial (OOMKilled, likely OOM-killed, non-zero exit, DeadlineExceeded,
	BackoffLimitExceeded) is re-run; --all re-runs every finished trial. TRIAL arguments,
	--trial, --param-selector and -l/--selector narrow the choice; a trial named explicitly
	is re-run whatever its outcome, and one that has not finished is refused.

	Trials that ran out of memory get more memory: OOMKilled ones, Failed ones that were
	likely OOM-killed (killed with exit 137 at a memory limit, the runtime not saying
	OOMKilled: see 'kubectl mlexp status --help'), and Succeeded ones whose process was
	OOM-killed (ProcessOOMKilled; re-run only when named or with --all, and a note names
	them). --memory-factor (default 2) multiplies the memory limit, and the request if one
	is set, of the container that ran out, rounded up to a clean quantity (32Mi -> 64Mi,
	6Gi -> 12Gi, 48Mi x 1.5 -> 72Mi). A trial retried before keeps its bump, so a second
	OOM doubles again. --memory and --cpu set the limit (and the request, if one is set)
	outright, of --container, else of the container that ran out of memory, else of the
	first container. A warning names the largest node when a
	trial would ask for more memory than any node can give (it would stay Pending).

	A Job's pod template cannot change in place, so each trial's Job is deleted
	(foreground: its pods go first, with their logs), and created again with the same
	name, parameters and index once it is gone: status, logs, results and the order of
	the experiment do not change. How the earlier attempt ended (state, reason, exit code,
	memory limits, start and end, node) is kept in the Job's mlexp.dev/attempts annotation:
	status shows an ATTEMPTS column and, with -o wide, why the previous attempt ended;
	describe shows the whole history. The resources a retry changed are recorded in
	mlexp.dev/override: submitting the unchanged experiment file again applies the same
	override, so it reports the trial unchanged and touches nothing.

	The new Job is a copy of the old one as the API server holds it, fetched in full
	just before the writes: the same command, args, env, volumes, tolerations, affinity,
	probes and security context; only the resources above and the attempt history change.

	API requests: one List each of the experiment's Jobs, its pods and the nodes, one List of
	the chosen trials' Jobs in full, one watch of the Jobs while they are replaced, and
	one delete and one create per trial (--concurrency at a time).`)

var example = templates.Examples(`
	# Re-run every failed trial of mnist; those that ran out of memory get twice as much
	kubectl mlexp retry mnist

	# One trial (the hash part of its name is enough), with 1.5 times the memory
	kubectl mlexp retry mnist 1a2b3c4d --memory-factor 1.5

	# Every finished trial whose activation is relu, with 8Gi of memory
	kubectl mlexp retry mnist --all --param-selector activation=relu --memory 8Gi

	# The Jobs a retry would create, without touching anything
	kubectl mlexp retry mnist --dry-run=client -o yaml

	# Then wait for the experiment to end
	kubectl mlexp wait mnist`)

// Options holds the retry command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	common.TrialFlags

	Failed       bool
	All          bool
	MemoryFactor float64
	Memory       string
	CPU          string
	Container    string
	// PrintFlags are -o: name, or the Jobs created (json, yaml, templates).
	PrintFlags  *common.WritePrintFlags
	Concurrency int
	// Timeout bounds the wait for each old Job to be deleted.
	Timeout time.Duration

	experiment string
	namespace  string
	client     kubernetes.Interface
	dryRun     common.DryRun
	filter     trial.Filter
	selector   string
	mode       trial.RetryMode
	named      bool
	resize     trial.Resize
	hint       common.Hint
}

// NewCmdRetry returns the retry command.
func NewCmdRetry(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, PrintFlags: common.NewWritePrintFlags("replaced"), MemoryFactor: 2, Concurrency: 16, Timeout: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:               "retry EXPERIMENT [TRIAL...]",
		Short:             "Re-run failed trials, OOMKilled ones with more memory",
		Long:              long,
		Example:           example,
		ValidArgsFunction: common.CompleteTrialList(getter),
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
	o.AddFlags(cmd)
	return cmd
}

// AddFlags binds the command's flags to o.
func (o *Options) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	o.TrialFlags.AddFlags(f, "Retry")
	f.BoolVar(&o.Failed, "failed", false, "Re-run the trials that failed (the default without TRIAL arguments).")
	f.BoolVar(&o.All, "all", false, "Re-run every finished trial, succeeded ones too.")
	f.Float64Var(&o.MemoryFactor, "memory-factor", o.MemoryFactor, "Multiply the memory limit (and request, if set) of the container that ran out of memory (OOMKilled, likely OOM-killed, or a process OOM-killed); must be greater than 1.")
	f.StringVar(&o.Memory, "memory", "", "Set the memory limit (and request, if set) to this quantity, e.g. 8Gi, instead of multiplying it.")
	f.StringVar(&o.CPU, "cpu", "", "Set the CPU limit (and request, if set) to this quantity, e.g. 2 or 500m.")
	f.StringVarP(&o.Container, "container", "c", "", "The container --memory and --cpu apply to (default: the one that ran out of memory, else the first).")
	common.AddDryRunFlag(cmd)
	o.PrintFlags.AddFlags(cmd)
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "How many trials are replaced at once.")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "How long to wait for an old Job and its pods to be deleted.")
}

// Complete reads the arguments and flags and builds the client.
func (o *Options) Complete(f kube.Getter, cmd *cobra.Command, args []string) error {
	o.Getter = f
	t, err := o.TrialFlags.ResolveTrials(f, cmd, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client, o.dryRun = t.Experiment, t.Namespace, t.Client, t.DryRun
	o.filter, o.selector = t.Filter, t.Selector
	o.hint = common.NewHint(o.Getter, o.namespace)
	o.named = len(o.filter.Names) > 0
	switch {
	case o.All:
		o.mode = trial.RetryFinished
	case o.named && !cmd.Flags().Changed("failed"):
		o.mode = trial.RetryFinished
	default:
		o.mode = trial.RetryFailed
	}
	o.resize = trial.Resize{MemoryFactor: o.MemoryFactor, Container: o.Container}
	if o.resize.Memory, err = parseQuantity("--memory", o.Memory); err != nil {
		return err
	}
	o.resize.CPU, err = parseQuantity("--cpu", o.CPU)
	return err
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.All && o.Failed {
		return fmt.Errorf("--all and --failed cannot be used together: --all re-runs every finished trial")
	}
	if !(o.MemoryFactor > 1) {
		return fmt.Errorf("--memory-factor: must be greater than 1, got %v", o.MemoryFactor)
	}
	if o.Concurrency < 1 {
		return fmt.Errorf("--concurrency: must be at least 1, got %d", o.Concurrency)
	}
	if o.Timeout <= 0 {
		return fmt.Errorf("--timeout: must be greater than 0, got %v", o.Timeout)
	}
	for _, q := range []*resource.Quantity{o.resize.Memory, o.resize.CPU} {
		if q != nil && q.Sign() <= 0 {
			return fmt.Errorf("--memory and --cpu must be greater than 0, got %s", q.String())
		}
	}
	return o.PrintFlags.Validate()
}

func parseQuantity(flag, v string) (*resource.Quantity, error) {
	if v == "" {
		return nil, nil
	}
	q, err := resource.ParseQuantity(v)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid quantity %q: %w", flag, v, err)
	}
	return &q, nil
}

// notFound is the error of a selection that matches no Job.
func (o *Options) notFound() error {
	if o.LabelSelector != "" {
		return fmt.Errorf("no trials of experiment %q in namespace %q match --selector %s", o.experiment, o.namespace, o.LabelSelector)
	}
	return kube.ExperimentNotFound(o.experiment, o.namespace)
}

// experimentSelector returns the label selector of the whole experiment.
func (o *Options) experimentSelector() string { return keys.ForExperiment(o.experiment) }
