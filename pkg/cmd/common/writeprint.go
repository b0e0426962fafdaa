package common

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"
)

// writeFormats are the -o values of a verb that writes objects, in the
// order help and completion show them.
var writeFormats = []string{
	"json", "yaml", "name",
	"jsonpath=", "jsonpath-file=", "jsonpath-as-json=",
	"go-template=", "go-template-file=",
}

// WritePrintFlags are -o and its companions of a verb that writes objects
// (submit, retry, delete, suspend, resume), as kubectl create, apply and
// delete have them: cli-runtime's genericclioptions.PrintFlags. Without -o
// each object prints as `job.batch/NAME OPERATION` through cli-runtime's
// NamePrinter; -o name prints the names only; json, yaml, jsonpath and
// go-template print the objects written.
type WritePrintFlags struct {
	*genericclioptions.PrintFlags
}

// NewWritePrintFlags returns the flags of a verb whose objects print as
// `job.batch/NAME operation` by default.
func NewWritePrintFlags(operation string) *WritePrintFlags {
	return &WritePrintFlags{PrintFlags: genericclioptions.NewPrintFlags(operation)}
}

// AddFlags binds -o, --template, --allow-missing-template-keys and
// --show-managed-fields (cli-runtime's), and completes -o.
func (f *WritePrintFlags) AddFlags(cmd *cobra.Command) {
	f.PrintFlags.AddFlags(cmd)
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return writeFormats, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// Output returns the -o value ("" when not given). The methods of a nil
// WritePrintFlags (options built by hand) print the default lines.
func (f *WritePrintFlags) Output() string {
	if f == nil || f.PrintFlags == nil || f.OutputFormat == nil {
		return ""
	}
	return *f.OutputFormat
}

// Default reports whether no -o (nor --template) was given: the verb's
// lines `job.batch/NAME OPERATION`.
func (f *WritePrintFlags) Default() bool {
	tmpl := ""
	if f != nil && f.PrintFlags != nil && f.TemplatePrinterFlags != nil && f.TemplatePrinterFlags.TemplateArgument != nil {
		tmpl = *f.TemplatePrinterFlags.TemplateArgument
	}
	return f.Output() == "" && tmpl == ""
}

// Objects reports whether -o prints whole objects (json, yaml, templates),
// so the verb must have them in full.
func (f *WritePrintFlags) Objects() bool { return !f.Default() && f.Output() != "name" }

// Validate checks -o and builds its template, which may be wrong; it does
// no I/O but reading a template file.
func (f *WritePrintFlags) Validate() error {
	if f == nil || f.PrintFlags == nil {
		return nil
	}
	_, err := f.ToPrinter()
	if err != nil {
		msg := err.Error()
		if genericclioptions.IsNoCompatiblePrinterError(err) {
			msg = fmt.Sprintf("unknown format %q (allowed: %s)", f.Output(), strings.Join(writeFormats, ", "))
		}
		return fmt.Errorf("--output: %s", lowerFirst(msg))
	}
	return nil
}

// PrintLine prints one object as `KIND.GROUP/NAME OPERATION` (the default)
// or `KIND.GROUP/NAME` (-o name), through cli-runtime's NamePrinter.
func (f *WritePrintFlags) PrintLine(w io.Writer, obj runtime.Object, operation string) error {
	p := &printers.NamePrinter{Operation: operation, ShortOutput: f.Output() == "name"}
	return p.PrintObj(obj, w)
}

// PrintJobs prints Jobs written, each with its operation: one line each
// without -o or with -o name; YAML documents separated by --- with -o
// yaml; one v1 List (as kubectl get prints several objects) for json,
// jsonpath and go-template. ops may be nil with an -o that prints objects.
func (f *WritePrintFlags) PrintJobs(w io.Writer, jobs []*batchv1.Job, ops []string) error {
	for _, j := range jobs {
		// Objects read from the server have an empty TypeMeta.
		j.APIVersion, j.Kind = "batch/v1", "Job"
	}
	if !f.Objects() {
		for i, j := range jobs {
			op := ""
			if i < len(ops) {
				op = ops[i]
			}
			if err := f.PrintLine(w, j, op); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := f.ToPrinter()
	if err != nil {
		return err
	}
	if f.Output() == "yaml" {
		for _, j := range jobs {
			if err := p.PrintObj(j, w); err != nil {
				return err
			}
		}
		return nil
	}
	list := &metav1.List{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "List"}}
	for _, j := range jobs {
		list.Items = append(list.Items, runtime.RawExtension{Object: j})
	}
	return p.PrintObj(list, w)
}
