// Package experiment reads experiment files in any of the formats
// kubectl-mlexp accepts and returns their one model (package model):
//
//   - the mlexp format, apiVersion mlexp.dev/v1alpha1, kind Experiment
//     (package mlexpfile);
//   - the list format, the blog post's experiments.yaml: a list of
//     script + args (package listfile);
//   - Kubeflow Katib's Experiment, apiVersion kubeflow.org/v1beta1
//     (package katibfile).
//
// Parse picks the reader by the file's shape: a list is the list format, a
// mapping whose apiVersion is kubeflow.org/... is Katib's, any other
// mapping the mlexp format. Parsing is strict: unknown fields, wrong types
// and duplicate keys are errors that name the file and line, including
// inside the Job template, which is checked against batch/v1 Job.
// model.MarshalNative writes any experiment back in the mlexp format.
package experiment

import (
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/katibfile"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/listfile"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/mlexpfile"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// The model, as the rest of the tree names it.
type (
	// Experiment is a parsed, checked experiment file.
	Experiment = model.Experiment
	// Options carries what the command line adds to a file.
	Options = model.Options
	// ResultsSpec says how to read a trial's metrics from its log.
	ResultsSpec = model.ResultsSpec
	// Format says which file format an experiment was read from.
	Format = model.Format
	// Template is an experiment's compiled Job template.
	Template = model.Template
	// Node is one value of the Job template.
	Node = model.Node
	// ValueError is an error in the value a template node takes for one trial.
	ValueError = model.ValueError
	// Error is an error at a position in an experiment file.
	Error = model.Error
	// Pos is a position in an experiment file.
	Pos = model.Pos
	// Search is an experiment's adaptive search.
	Search = model.Search
)

// The formats, the mlexp format's apiVersion and kind, and the limits of a file.
const (
	Native         = model.Native
	Seed           = model.Seed
	Katib          = model.Katib
	APIVersion     = model.APIVersion
	Kind           = model.Kind
	MaxNameLength  = model.MaxNameLength
	MaxFileSize    = model.MaxFileSize
	MaxLineLength  = model.MaxLineLength
	MaxValueLength = model.MaxValueLength
)

// ValueText writes a suggested value as a trial receives it; see model.ValueText.
func ValueText(p *search.Param, v any) string { return model.ValueText(p, v) }

// MarshalNative writes exp in the mlexp format; see model.MarshalNative.
func MarshalNative(exp *Experiment, notes []string) ([]byte, error) {
	return model.MarshalNative(exp, notes)
}

// Parse parses an experiment file in any of the formats, checks it and
// compiles its template. Errors are *Error values naming filename and,
// where there is one, the line.
func Parse(filename string, data []byte, opts Options) (*Experiment, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.LookupEnv
	}
	if err := checkSize(filename, data); err != nil {
		return nil, err
	}
	r := reader.New(filename, opts)
	doc, err := r.Document(data)
	if err != nil {
		return nil, err
	}
	var exp *Experiment
	switch doc.Kind {
	case yaml.SequenceNode:
		exp, err = listfile.Read(r, doc)
	case yaml.MappingNode:
		if opts.Command != nil || opts.CPU != "" || opts.Memory != "" || opts.ParamNames != nil {
			return nil, &Error{File: filename, Msg: "--command, --cpu, --memory and --param-names only apply to the list format (the blog post's experiments.yaml, a list of script + args); set them in spec.template"}
		}
		if katibfile.Is(doc) {
			exp, err = katibfile.Read(r, doc)
		} else {
			exp, err = mlexpfile.Read(r, doc)
		}
	default:
		return nil, r.Errorf(doc, "want an Experiment (apiVersion: %s) or a list of script + args, got %s", APIVersion, reader.Describe(doc))
	}
	if err != nil {
		return nil, err
	}
	if opts.Queue != "" {
		if msg := model.CheckQueueName(opts.Queue); msg != "" {
			return nil, &Error{File: filename, Msg: "--queue: " + msg}
		}
		exp.Queue = opts.Queue
	}
	exp.File = filename
	return exp, nil
}
