// Package submit implements `kubectl mlexp submit -f FILE`: it renders one
// Job per trial and applies them with server-side apply, touching only the
// trials that are missing or changed.
package submit

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

var long = templates.LongDesc(`
	Expand the experiment file's parameter space, render one batch/v1 Job per trial and
	apply them with server-side apply.

	The whole file is validated and every Job rendered before the first write: bad input
	applies nothing. Submitting the same file again changes nothing; trials that are new
	are created, and trials no longer in the file are reported (deleted with --prune).

	The seed's experiments.yaml (a list of "script: IMAGE" and "args: [[...], ...]") is
	accepted as it is; --command, --cpu, --memory and --param-names fill in what it leaves out,
	and $VARIABLES in it are read from the environment.`)

var example = templates.Examples(`
	# Submit an experiment and follow it
	kubectl mlexp submit -f experiment.yaml

	# The seed's own file: 3 images x 8 argument rows = 24 Jobs
	REPO=registry.example.com kubectl mlexp submit -f experiments.yaml --name mnist \
	    --command "python train.py" --cpu 1 --memory 6Gi --param-names epochs,activation,dropout

	# See the Jobs without creating them, or let the API server validate them
	kubectl mlexp submit -f experiment.yaml --dry-run=client -o yaml
	kubectl mlexp submit -f experiment.yaml --dry-run=server`)

// Options holds the submit command's flags.
type Options struct {
	genericiooptions.IOStreams
	Getter      kube.Getter
	Filename    string
	Name        string
	Command     string
	CPU         string
	Memory      string
	ParamNames  []string
	Output      string
	Prune       bool
	Force       bool
	Concurrency int

	dryRun    common.DryRun
	namespace string
	client    kubernetes.Interface
	exp       *experiment.Experiment
	trials    []render.Trial
}

// NewCmdSubmit returns the submit command.
func NewCmdSubmit(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Concurrency: 16}
	cmd := &cobra.Command{
		Use:     "submit -f FILE",
		Aliases: []string{"apply"},
		Short:   "Render one Job per trial and apply them",
		Long:    long,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.dryRun, err = common.ParseDryRun(cmd); err != nil {
				return err
			}
			if err := o.Complete(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Filename, "filename", "f", "", "The experiment file (- reads stdin).")
	f.StringVar(&o.Name, "name", "", "Experiment name; required to rename, defaults to the file's name or its metadata.name.")
	f.StringVar(&o.Command, "command", "", `Seed format: the container command, split on spaces (e.g. "python train.py").`)
	f.StringVar(&o.CPU, "cpu", "", `Seed format: limits.cpu of every trial (e.g. "1").`)
	f.StringVar(&o.Memory, "memory", "", `Seed format: limits.memory of every trial (e.g. "6Gi").`)
	f.StringSliceVar(&o.ParamNames, "param-names", nil, "Seed format: names of the positional args (default arg1,arg2,...).")
	common.AddDryRunFlag(cmd)
	f.StringVarP(&o.Output, "output", "o", "", "Output format: yaml, json or name.")
	_ = cmd.RegisterFlagCompletionFunc("output", common.CompleteWords("yaml", "json", "name"))
	f.BoolVar(&o.Prune, "prune", false, "Delete the Jobs of trials that are no longer in the file.")
	f.BoolVar(&o.Force, "force", false, "Delete and re-create trials whose rendered Job changed (a Job's pod template cannot change in place).")
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "How many writes run at once.")
	_ = cmd.MarkFlagRequired("filename")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml")
	return cmd
}

// Complete checks the flags, then loads, validates and renders the whole
// experiment; nothing has been sent to the cluster when it returns.
func (o *Options) Complete() error {
	var err error
	if err := common.ValidateOutput(o.Output, "", "yaml", "json", "name"); err != nil {
		return err
	}
	if o.Concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1, got %d", o.Concurrency)
	}
	if o.Filename == "" {
		return fmt.Errorf("--filename (-f) is required")
	}
	opts := experiment.Options{Name: o.Name, CPU: o.CPU, Memory: o.Memory, ParamNames: o.ParamNames}
	if o.Command != "" {
		opts.Command = strings.Fields(o.Command)
	}
	if o.exp, err = experiment.Load(o.Filename, opts); err != nil {
		return err
	}
	trials, warnings, err := render.Render(o.exp)
	for _, w := range warnings {
		fmt.Fprintln(o.ErrOut, "warning:", w)
	}
	if err != nil {
		return err
	}
	o.trials = trials
	if o.namespace, err = o.Getter.Namespace(); err != nil {
		return err
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
