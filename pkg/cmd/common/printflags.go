package common

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubectl/pkg/cmd/get"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
)

// APIVersion is the apiVersion of the list objects -o prints (see
// docs/output.md); nothing of this group exists in the cluster.
const APIVersion = experiment.APIVersion

// ListMeta is the empty metadata of a printed list, so the objects look like
// kubectl's lists.
type ListMeta struct{}

// printerFormats are the -o formats of cli-runtime's and kubectl's printers,
// in the order help and completion show them; the ones ending in = take a
// template.
var printerFormats = []string{
	"json", "yaml", "name",
	"jsonpath=", "jsonpath-file=", "jsonpath-as-json=",
	"go-template=", "go-template-file=",
	"custom-columns=", "custom-columns-file=",
}

// PrintFlags are -o and its companions, as kubectl get has them: the
// command's own tables ("" and e.g. "wide" or "csv"), and json, yaml, name,
// jsonpath, go-template and custom-columns from cli-runtime and kubectl,
// which print the command's list object (see PrintList). The zero value
// prints tables.
type PrintFlags struct {
	// Output is the -o value.
	Output string
	// Template is --template: the template of a template format given
	// without "=TEMPLATE", or a go-template when -o is not given.
	Template string
	// AllowMissingKeys is --allow-missing-template-keys.
	AllowMissingKeys bool
	// NoHeaders is --no-headers, for tables and custom-columns.
	NoHeaders bool
	// Tables are the formats the command prints as its own tables, besides "".
	Tables []string
	// NameKind is what -o name prints before each item's name
	// ("experiment" gives experiment/NAME); empty refuses -o name.
	NameKind string
	// LabelsOf says whose labels --show-labels adds to a table ("each
	// trial's Job"); empty leaves the flag out.
	LabelsOf string
	// ShowLabels is --show-labels: a last LABELS column in tables.
	ShowLabels bool
}

// AddFlags binds -o, --template, --allow-missing-template-keys,
// --no-headers and, when LabelsOf is set, --show-labels, and completes -o.
func (f *PrintFlags) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	f.AllowMissingKeys = true
	fs.StringVarP(&f.Output, "output", "o", f.Output, "Output format. One of: ("+strings.Join(f.Formats(), ", ")+"). See docs/output.md for the fields.")
	fs.StringVar(&f.Template, "template", "", "Template string or path to a template file for -o go-template, go-template-file, jsonpath, jsonpath-file or custom-columns-file.")
	_ = cmd.MarkFlagFilename("template")
	fs.BoolVar(&f.AllowMissingKeys, "allow-missing-template-keys", true, "Ignore missing fields and map keys in templates (go-template and jsonpath).")
	fs.BoolVar(&f.NoHeaders, "no-headers", false, "Print tables (and custom-columns) without their header row.")
	if f.LabelsOf != "" {
		fs.BoolVar(&f.ShowLabels, "show-labels", false, "When printing a table, show the labels of "+f.LabelsOf+" as the last column, as kubectl get --show-labels does.")
	}
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return f.Formats(), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// Formats returns every -o value the command takes, tables first.
func (f *PrintFlags) Formats() []string {
	var out []string
	for _, t := range f.Tables {
		if t != "" {
			out = append(out, t)
		}
	}
	for _, p := range printerFormats {
		if p == "name" && f.NameKind == "" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Table reports whether the command prints its own table.
func (f *PrintFlags) Table() bool {
	if f.Output == "" {
		return f.Template == ""
	}
	for _, t := range f.Tables {
		if f.Output == t {
			return true
		}
	}
	return false
}

// Validate checks -o (and builds its template, which may be wrong).
func (f *PrintFlags) Validate() error {
	if f.Table() {
		return nil
	}
	_, err := f.ToPrinter()
	return err
}

// ToPrinter returns the printer of a non-table -o.
func (f *PrintFlags) ToPrinter() (printers.ResourcePrinter, error) {
	format := f.Output
	if format == "" && f.Template != "" {
		format = "go-template"
	}
	if format == "name" {
		if f.NameKind == "" {
			return nil, f.unknown()
		}
		return &namePrinter{kind: f.NameKind}, nil
	}
	tmpl, missing := f.Template, f.AllowMissingKeys
	jy := genericclioptions.NewJSONYamlPrintFlags()
	kt := &genericclioptions.KubeTemplatePrintFlags{
		GoTemplatePrintFlags: &genericclioptions.GoTemplatePrintFlags{TemplateArgument: &tmpl, AllowMissingKeys: &missing},
		JSONPathPrintFlags:   &genericclioptions.JSONPathPrintFlags{TemplateArgument: &tmpl, AllowMissingKeys: &missing},
		TemplateArgument:     &tmpl, AllowMissingKeys: &missing,
	}
	cc := &get.CustomColumnsPrintFlags{NoHeaders: f.NoHeaders, TemplateArgument: tmpl}
	for _, try := range []func(string) (printers.ResourcePrinter, error){jy.ToPrinter, kt.ToPrinter, cc.ToPrinter} {
		p, err := try(format)
		if genericclioptions.IsNoCompatiblePrinterError(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("--output: %s", lowerFirst(err.Error()))
		}
		return p, nil
	}
	return nil, f.unknown()
}

func (f *PrintFlags) unknown() error {
	return fmt.Errorf("--output: unknown format %q (allowed: %s)", f.Output, strings.Join(f.Formats(), ", "))
}

// PrintList prints v, a list object with apiVersion, kind and items, in
// the -o format: v is encoded as JSON and printed as unstructured data, so
// every printer (custom-columns over items included) sees the documented
// field names.
func (f *PrintFlags) PrintList(w io.Writer, v any) error {
	p, err := f.ToPrinter()
	if err != nil {
		return err
	}
	list, err := ToUnstructuredList(v)
	if err != nil {
		return err
	}
	return p.PrintObj(list, w)
}

// ToUnstructuredList encodes v as JSON and decodes it as a list object:
// integers stay integers, other numbers are float64.
func ToUnstructuredList(v any) (*unstructured.UnstructuredList, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := utiljson.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	list := &unstructured.UnstructuredList{Object: m}
	items, _ := m["items"].([]any)
	delete(m, "items")
	list.Items = make([]unstructured.Unstructured, 0, len(items))
	for i, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("item %d of %s is not an object", i, list.GetKind())
		}
		list.Items = append(list.Items, unstructured.Unstructured{Object: obj})
	}
	return list, nil
}

// namePrinter prints KIND/NAME for each item of a list, NAME being the
// item's name field, as kubectl's -o name does for objects.
type namePrinter struct{ kind string }

// PrintObj implements printers.ResourcePrinter.
func (p *namePrinter) PrintObj(obj runtime.Object, w io.Writer) error {
	list, ok := obj.(*unstructured.UnstructuredList)
	if !ok {
		return fmt.Errorf("-o name prints lists, got %T", obj)
	}
	var b bytes.Buffer
	for _, it := range list.Items {
		name, _, _ := unstructured.NestedString(it.Object, "name")
		fmt.Fprintf(&b, "%s/%s\n", p.kind, name)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// lowerFirst lowercases an error message's first letter, as our errors are.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
