// Package convert implements `kubectl mlexp convert -f FILE`: it reads an
// experiment file in any format the plugin accepts (a Katib Experiment, the
// blog post's experiments.yaml, the mlexp format) and prints it in the mlexp
// format, which submits to the same trials.
package convert

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/templates"
	"sigs.k8s.io/yaml"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
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
	common.FileFlags
	Output string
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(nil, cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.FileFlags.AddFlags(cmd, "Experiment name; defaults to the file's metadata.name (or, for the list format, the file's name).")
	cmd.Flags().StringVarP(&o.Output, "output", "o", o.Output, "Output format: yaml or json (json has no comments).")
	_ = cmd.RegisterFlagCompletionFunc("output", common.CompleteWords("yaml", "json"))
	return cmd
}

// Complete has nothing to fill: convert reads no cluster, so f may be nil.
func (o *Options) Complete(_ kube.Getter, _ *cobra.Command, _ []string) error { return nil }

// Validate checks -f and -o; it reads no file.
func (o *Options) Validate() error {
	if o.Filename == "" {
		return fmt.Errorf("--filename (-f) is required")
	}
	return common.ValidateOutput(o.Output, "yaml", "json")
}

// Run loads the file and renders every trial, printing the warnings
// submit would print (a file submit would refuse is refused here too),
// then prints the experiment in the mlexp format.
func (o *Options) Run(ctx context.Context) error {
	exp, _, err := render.LoadFile(ctx, o.Filename, o.FileFlags.Options(), o.ErrOut)
	if err != nil {
		return err
	}
	notes := append([]string{}, exp.Warnings...)
	if w := exp.ParallelWarning(false); w != "" {
		fmt.Fprintln(o.ErrOut, "warning:", w)
		notes = append(notes, w)
	}
	out, err := experiment.MarshalNative(exp, notes)
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
