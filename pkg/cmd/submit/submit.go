// Package submit implements `kubectl mlexp submit -f FILE`: it renders one
// Job per trial, creates the missing ones and server-side applies the
// changed ones, touching no other trial.
package submit

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

var long = templates.LongDesc(`
	Expand the experiment file's parameter space, render one batch/v1 Job per trial and
	create them; a trial changed in place or re-created is written with server-side apply.

	The whole file is validated and every Job rendered before the first write: bad input
	writes nothing. Submitting the same file again changes nothing; trials that are new
	are created, and trials no longer in the file are reported (deleted with --prune).

	A write that fails because the API server does not answer (restarting,
	overloaded, unreachable) is sent again, for up to --server-loss-timeout (2 minutes by default)
	without an answer; then submit stops and says how many trials were written: running
	the same command again writes the rest. Before the first write it checks,
	as kubectl auth can-i does, that you may create and patch Jobs (and delete
	them, for --force and --prune) in the namespace.

	The blog post's experiments.yaml (a list of "script: IMAGE" and "args: [[...], ...]") is
	accepted as it is; --command, --cpu, --memory and --param-names fill in what it leaves out,
	and $VARIABLES in it are read from the environment.

	A file that asks for a search that learns (Katib's tpe, multivariate-tpe,
	bayesianoptimization, cmaes, sobol, hyperband, or early stopping; or --drive for a
	grid or random search) is submitted as its first batch, its parallel trials; then
	submit drives the search in the foreground, creating trials as earlier ones finish,
	until it ends (maximum trials, goal, or maximum failed trials: exit status 1).
	Ctrl-C leaves the experiment as it is, and 'kubectl mlexp tune EXPERIMENT'
	continues it from any machine (see its help: one driver at a time holds a Lease).

	--driver=cluster runs that driver in the cluster instead, as one more Job of the
	experiment (the plugin's image, --driver-image, running 'kubectl mlexp tune'), under a
	ServiceAccount, Role and RoleBinding of its own in the namespace; submit creates them
	after the first batch and returns at once. A driver pod that dies is replaced and
	resumes the search; 'kubectl mlexp delete' stops the driver first and removes them.

	With --wait, submit then waits for the file's trials like 'kubectl mlexp wait':
	` + common.WaitExitCodesHelp + `

	A trial that 'kubectl mlexp retry' re-ran with other resources keeps them: the
	override it recorded (annotation mlexp.dev/override) is applied to the rendered
	Job before comparing, so the unchanged file finds nothing to do. The Jobs a retry
	re-created are also read in full and checked against the file: one that lacks or
	differs in what the file sets in its pod template (as the retry of earlier versions
	wrote them, without command, args, env, volumes...) is reported, and --force
	re-creates it from the file.

	On a shared cluster, --queue (or spec.queue) hands the trials to Kueue: every Job is
	created suspended with label kueue.x-k8s.io/queue-name, and Kueue admits them as the
	LocalQueue's quota allows (kubectl mlexp status shows their place in line). Submit
	checks that the LocalQueue exists in the namespace; if the cluster does not serve
	Kueue's API it warns and still creates the suspended Jobs, which then wait until Kueue
	is installed or kubectl mlexp resume releases them. Re-submitting leaves the trials'
	run state alone: Kueue owns spec.suspend once it admits a Job.

	Without Kueue, --suspend creates the trials suspended; kubectl mlexp resume releases
	them, all or --count N at a time, in the experiment's order.

	A Kubeflow Katib Experiment (apiVersion kubeflow.org/v1beta1) runs as it is, without
	Katib: grid and random searches become one Job per trial, created at once (--drive
	creates them parallelTrialCount at a time, honouring maxTrialCount and
	maxFailedTrialCount). Adaptive searches (tpe, multivariate-tpe, bayesianoptimization,
	cmaes, sobol, hyperband) and early stopping (medianstop) are driven from here: submit
	creates the first parallelTrialCount trials, then stays in the foreground, creating
	each next trial as one finishes; after Ctrl-C, "kubectl mlexp tune EXPERIMENT"
	continues the search from any machine. See docs/search.md and docs/katib.md;
	"kubectl mlexp convert" writes the file in the mlexp format.

	A namespace in the file (metadata.namespace) is used as kubectl uses one: the trials go
	there when -n is not given, and a different -n is an error.`)

var example = templates.Examples(`
	# Submit an experiment and follow it
	kubectl mlexp submit -f experiment.yaml

	# The blog post's experiments.yaml: 3 images x 8 argument rows = 24 Jobs
	REPO=registry.example.com kubectl mlexp submit -f experiments.yaml --name mnist \
	    --command "python train.py" --cpu 1 --memory 6Gi --param-names epochs,activation,dropout

	# Submit, then wait: exit status 0 if every trial succeeded, 1 if one failed
	kubectl mlexp submit -f experiment.yaml --wait --timeout 2h

	# Let Kueue run the trials as the LocalQueue team-a's quota allows
	kubectl mlexp submit -f experiment.yaml --queue team-a

	# Create the trials suspended, then release 3 of them
	kubectl mlexp submit -f experiment.yaml --suspend
	kubectl mlexp resume mnist --count 3

	# See the Jobs without creating them, or let the API server validate them
	kubectl mlexp submit -f experiment.yaml --dry-run=client -o yaml
	kubectl mlexp submit -f experiment.yaml --dry-run=server

	# Run an adaptive search without a terminal: its driver runs as a Job
	kubectl mlexp submit -f tpe.yaml --driver=cluster

	# A Katib Experiment, without Katib
	kubectl mlexp submit -f katib-grid.yaml`)

// Options holds the submit command's flags.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	common.FileFlags
	// PrintFlags are -o: name, or the Jobs written (json, yaml, templates).
	PrintFlags  *common.WritePrintFlags
	Prune       bool
	Force       bool
	Concurrency int
	// Wait waits for the trials to finish, as 'kubectl mlexp wait' does.
	Wait    bool
	Timeout time.Duration
	Queue   string
	Suspend bool
	// Drive drives a grid or random search as an adaptive one: a batch at
	// a time, honouring the file's trial counts.
	Drive bool
	// Driver chooses where an adaptive search's driver runs (--driver).
	Driver common.DriverFlags
	// LossTimeout is how long writes are retried while the API server
	// does not answer; zero means kube.ServerLossTimeout.
	LossTimeout time.Duration

	dryRun    common.DryRun
	namespace string
	// hint writes the commands submit suggests, with the user's -n,
	// --context and --kubeconfig (and -n for a file's namespace).
	hint   common.Hint
	client kubernetes.Interface
	exp    *experiment.Experiment
	trials []render.Trial
}

// DefaultConcurrency is how many writes submit runs at once by default.
const DefaultConcurrency = 16

// NewCmdSubmit returns the submit command.
func NewCmdSubmit(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, PrintFlags: common.NewWritePrintFlags("created"), Concurrency: DefaultConcurrency}
	cmd := &cobra.Command{
		Use:     "submit -f FILE",
		Aliases: []string{"apply"},
		Short:   "Render one Job per trial and create them",
		Long:    long,
		Example: example,
		Args:    common.FileFlagArgs("submit"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(getter, cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.FileFlags.AddFlags(cmd, "Experiment name; required to rename, defaults to the file's name or its metadata.name.")
	f := cmd.Flags()
	common.AddDryRunFlag(cmd)
	o.PrintFlags.AddFlags(cmd)
	f.BoolVar(&o.Prune, "prune", false, "Delete the Jobs of trials that are no longer in the file.")
	f.BoolVar(&o.Force, "force", false, "Delete and re-create trials whose rendered Job changed, or whose Job no longer runs what the file renders (a Job's pod template cannot change in place).")
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "How many writes run at once.")
	f.BoolVar(&o.Wait, "wait", false, "After applying, wait for the trials to finish as 'kubectl mlexp wait' does: exit status 0 if all succeeded, 1 if one failed, 2 on --timeout.")
	f.DurationVar(&o.Timeout, "timeout", 0, "With --wait, give up after this long (exit status 2); 0 waits until every trial has finished.")
	f.StringVar(&o.Queue, "queue", "", "Submit every trial to this Kueue LocalQueue (overrides spec.queue): Jobs are created suspended with label "+keys.KueueQueueName+" and Kueue starts them as the queue's quota allows.")
	f.BoolVar(&o.Drive, "drive", false, "Run a grid or random search a batch at a time, as an adaptive search is run: at most its parallel trials at once, stopping at its maximum trials, failed trials or goal (Katib's parallelTrialCount, maxTrialCount, maxFailedTrialCount and objective.goal).")
	o.Driver.AddFlags(f)
	_ = cmd.RegisterFlagCompletionFunc("driver", common.CompleteWords(common.DriverTerminal, common.DriverCluster))
	f.BoolVar(&o.Suspend, "suspend", false, "Create the new trials suspended: none runs until 'kubectl mlexp resume' releases it (existing trials keep their state).")
	return cmd
}

// Complete reads --dry-run (a nil cmd, for options built by hand, keeps
// o's mode) and keeps f, whose client Run builds once the file is read.
func (o *Options) Complete(f kube.Getter, cmd *cobra.Command, _ []string) error {
	o.Getter = f
	if cmd == nil {
		return nil
	}
	var err error
	o.dryRun, err = common.ParseDryRun(cmd)
	return err
}

// Validate checks the flags; it reads no file and makes no request.
func (o *Options) Validate() error {
	if err := o.PrintFlags.Validate(); err != nil {
		return err
	}
	if o.Concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1, got %d", o.Concurrency)
	}
	if o.Filename == "" {
		return fmt.Errorf("--filename (-f) is required")
	}
	if o.Wait && o.dryRun != common.DryRunNone {
		return fmt.Errorf("--wait cannot be used with --dry-run: nothing would run")
	}
	if err := o.Driver.Validate(); err != nil {
		return err
	}
	if o.Driver.InCluster() && o.Wait {
		return fmt.Errorf("--wait cannot be used with --driver=cluster: submit returns once the driver runs; wait with 'kubectl mlexp wait'")
	}
	return nil
}

// load loads, validates and renders the whole experiment and builds the
// client; nothing has been sent to the cluster when it returns. A file
// read from stdin is given up when ctx ends.
func (o *Options) load(ctx context.Context) error {
	var err error
	opts := o.FileFlags.Options()
	// A search driven in the cluster is driven: --driver=cluster implies --drive.
	opts.Queue, opts.Drive = o.Queue, o.Drive || o.Driver.InCluster()
	if o.exp, o.trials, err = render.LoadFile(ctx, o.Filename, opts, o.ErrOut); err != nil {
		return err
	}
	if o.Driver.InCluster() && o.exp.Search == nil {
		return fmt.Errorf("--driver=cluster: %s has no search to drive: write its parameters as spec.search (docs/search.md)", o.Filename)
	}
	if o.Drive && o.exp.Search == nil {
		return fmt.Errorf("--drive: %s has no search to drive (no parallel trials or maximum to honour): write its parameters as spec.search with algorithm: grid or random (docs/search.md)", o.Filename)
	}
	trials := o.trials
	if s := o.exp.Search; s != nil && o.dryRun != common.DryRunNone {
		fmt.Fprintf(o.ErrOut, "%s search: these are its first %d trials (parallel trials %d); the driver suggests the rest as trials finish\n",
			s.Algorithm, len(trials), s.Parallel)
	}
	if o.namespace, err = o.resolveNamespace(); err != nil {
		return err
	}
	o.hint = common.NewHint(o.Getter, o.namespace)
	o.warnTTL()
	if o.Suspend {
		suspendAll(o.trials)
	}
	if w := o.exp.ParallelWarning(o.exp.Queue != "" || o.Suspend); w != "" {
		fmt.Fprintln(o.ErrOut, "warning:", w)
	}
	for _, t := range o.trials {
		t.Job.Namespace = o.namespace
	}
	if o.dryRun == common.DryRunClient {
		return nil
	}
	o.client, err = o.Getter.KubernetesClientSet()
	return err
}
