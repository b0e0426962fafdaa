// Package convert implements `kubectl mlexp convert -f FILE`: it reads an
// experiment file in any format the plugin accepts (a Katib Experiment, the
// blog post's experiments.yaml, the mlexp format) and prints it in the mlexp
// format, which submits to the same trials.
package convert

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/templates"
	"sigs.k8s.io/yaml"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

var long = templates.LongDesc(`
	Print an experiment file in the mlexp format (apiVersion mlexp.dev/v1alpha1).

	The file may be a Kubeflow Katib Experiment (kubeflow.org/v1beta1), the blog post's
	experiments.yaml (list format) or an mlexp file. The output submits to the same trials, with the
	same names and Jobs: Katib's parameters become a grid (with a limit for maxTrialCount)
	or random samples, trialSpec the template with each ${trialParameters.NAME} written as
	${PARAMETER}, the objective the results spec. What the mlexp format cannot say (a
	Katib file's parallelTrialCount, maxFailedTrialCount, early stopping) is listed in a
	comment at the top and on stderr.

	Nothing is sent to the cluster: the file is checked and every trial rendered, as
	submit --dry-run=client would.`)

var example = templates.Examples(`
	# Move a Katib Experiment to the mlexp format
	kubectl mlexp convert -f grid.yaml > grid-mlexp.yaml

	# The blog post's experiments.yaml, with what it leaves out
	REPO=registry.example.com kubectl mlexp convert -f experiments.yaml --name mnist \
	    --command "python train.py" --cpu 1 --memory 6Gi --param-names epochs,activation,dropout`)

// Options holds the convert command's flags.
type Options struct {
	genericiooptions.IOStreams
	Filename   string
	Name       string
	Command    string
	CPU        string
	Memory     string
	ParamNames []string
	Output     string

	exp *experiment.Experiment
}

// NewCmdConvert returns the convert command. It reads no cluster, so it
// takes no kube.Getter.
func NewCmdConvert(streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Output: "yaml"}
	cmd := &cobra.Command{
		Use:     "convert -f FILE",
		Short:   "Print an experiment file (Katib's, the blog post's) in the mlexp format",
		Long:    long,
		Example: example,
		Args:    common.FileFlagArgs("convert"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Filename, "filename", "f", "", "The experiment file (- reads stdin).")
	f.StringVar(&o.Name, "name", "", "Experiment name; defaults to the file's metadata.name (or, for the list format, the file's name).")
	f.StringVar(&o.Command, "command", "", `List format: the container command, split on spaces (e.g. "python train.py").`)
	f.StringVar(&o.CPU, "cpu", "", `List format: limits.cpu of every trial (e.g. "1").`)
	f.StringVar(&o.Memory, "memory", "", `List format: limits.memory of every trial (e.g. "6Gi").`)
	f.StringSliceVar(&o.ParamNames, "param-names", nil, "List format: names of the positional args (default arg1,arg2,...).")
	f.StringVarP(&o.Output, "output", "o", o.Output, "Output format: yaml or json (json has no comments).")
	_ = cmd.MarkFlagRequired("filename")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml")
	return cmd
}

// Complete checks -f and -o.
func (o *Options) Complete() error {
	if o.Filename == "" {
		return fmt.Errorf("--filename (-f) is required")
	}
	return common.ValidateOutput(o.Output, "yaml", "json")
}

// Validate loads the file and renders every trial, printing the warnings
// submit would print; a file submit would refuse is refused here too.
func (o *Options) Validate() error {
	opts := experiment.Options{Name: o.Name, CPU: o.CPU, Memory: o.Memory, ParamNames: o.ParamNames}
	if o.Command != "" {
		opts.Command = strings.Fields(o.Command)
	}
	exp, err := experiment.Load(o.Filename, opts)
	if err != nil {
		return err
	}
	_, warnings, err := render.Render(exp)
	for _, w := range warnings {
		fmt.Fprintln(o.ErrOut, "warning:", w)
	}
	if err != nil {
		return err
	}
	if w := exp.ParallelWarning(false); w != "" {
		fmt.Fprintln(o.ErrOut, "warning:", w)
	}
	o.exp = exp
	return nil
}

// Run prints the experiment in the mlexp format.
func (o *Options) Run() error {
	notes := append([]string{}, o.exp.Warnings...)
	if w := o.exp.ParallelWarning(false); w != "" {
		notes = append(notes, w)
	}
	out, err := experiment.MarshalNative(o.exp, notes)
	if err != nil {
		return err
	}
	if o.Output == "json" {
		if out, err = yaml.YAMLToJSON(out); err != nil {
			return err
		}
		out = append(out, '\n')
	}
	_, err = o.Out.Write(out)
	return err
}
