// Package experiment reads experiment files: the native format
// (apiVersion mlexp.dev/v1alpha1, kind Experiment) and the seed's list of
// `script` + `args`. Parsing is strict: unknown fields, wrong types and
// duplicate keys are errors that name the file and line, including inside
// the Job template, which is checked against batch/v1 Job.
package experiment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// APIVersion is the apiVersion of the native experiment file format.
const APIVersion = "mlexp.dev/v1alpha1"

// Kind is the kind of the native experiment file format.
const Kind = "Experiment"

// MaxNameLength is the longest experiment name: trial names append a dash
// and 8 hex digits, and pod names 6 more characters, within 63.
const MaxNameLength = 40

// Error is an error at a position in an experiment file; it prints as
// FILE:LINE:COL: MESSAGE.
type Error = space.Error

// Pos is a position in an experiment file.
type Pos = space.Pos

// Format says which file format an experiment was read from.
type Format string

const (
	// Native is the mlexp.dev/v1alpha1 Experiment format.
	Native Format = "native"
	// Seed is the seed's experiments.yaml: a list of script + args.
	Seed Format = "seed"
	// Katib is Kubeflow Katib's Experiment (kubeflow.org/v1beta1).
	Katib Format = "katib"
)

// Options carries what the command line adds to a file.
type Options struct {
	Name       string                      // --name: sets/overrides the experiment name (seed format default: file base name without extension, sanitized to DNS-1123)
	Command    []string                    // --command: container command for the seed format (seed uses python train.py); nil = image entrypoint
	CPU        string                      // --cpu: limits.cpu for the seed format (seed: "1"); "" = none
	Memory     string                      // --memory: limits.memory for the seed format (seed: "6Gi"); "" = none
	ParamNames []string                    // --param-names for the seed format's positional args (default arg1, arg2, ...)
	Queue      string                      // --queue: the Kueue LocalQueue; overrides spec.queue
	Getenv     func(string) (string, bool) // environment lookup; nil means os.LookupEnv
}

// Experiment is a parsed, checked experiment file.
type Experiment struct {
	Name         string      // DNS-1123 label of at most MaxNameLength characters
	Namespace    string      // metadata.namespace of the file; "" when it names none
	NamespacePos Pos         // where the file names the namespace
	File         string      // the file name as given, for messages
	Format       Format      // which format the file was written in
	Space        space.Space // the parameter space
	Template     Template    // the Job template, compiled against Space.Names()
	Results      ResultsSpec // how `results` reads metrics from logs
	Queue        string      // the Kueue LocalQueue every trial is submitted to; "" for none
	// Parallel is a Katib file's parallelTrialCount, 0 when unset: submit
	// says it is not enforced unless the trials are queued.
	Parallel    int
	ParallelPos Pos
	// Warnings are what the file asks for that kubectl-mlexp does not do
	// (a Katib file's maxFailedTrialCount, early stopping, ...), one line
	// each, without a "warning: " prefix.
	Warnings []string
}

// ResultsSpec says how to read a trial's metrics from its log. Metric
// names are kept as the file writes them and matched case-insensitively
// (logmetrics.NormalizeName).
type ResultsSpec struct {
	Metric string `json:"metric,omitempty"` // the metric to rank trials by; "" = none chosen
	Goal   string `json:"goal,omitempty"`   // "max", "min" or ""
	// Target is the value of Metric a trial should reach (at least it for
	// max, at most for min): Katib's objective.goal; nil for none.
	Target *float64 `json:"target,omitempty"`
	// Columns are metrics shown right after Metric, in this order, even
	// before a trial reports them: Katib's additionalMetricNames.
	Columns  []string `json:"columns,omitempty"`
	Patterns []string `json:"patterns,omitempty"` // regular expressions whose named groups are metrics
	// Filters are regular expressions whose first group is a metric's
	// name and second its value: Katib's metricsFormat.
	Filters []string `json:"filters,omitempty"`
}

// IsZero reports whether r says nothing.
func (r ResultsSpec) IsZero() bool {
	return r.Metric == "" && r.Goal == "" && r.Target == nil && len(r.Columns) == 0 && len(r.Patterns) == 0 && len(r.Filters) == 0
}

// Parse parses an experiment file in either format, checks it and
// compiles its template. Errors are *Error values naming filename and,
// where there is one, the line.
func Parse(filename string, data []byte, opts Options) (*Experiment, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.LookupEnv
	}
	if err := checkSize(filename, data); err != nil {
		return nil, err
	}
	p := &parser{file: filename, opts: opts}
	doc, err := p.document(data)
	if err != nil {
		return nil, err
	}
	var exp *Experiment
	switch doc.Kind {
	case yaml.SequenceNode:
		exp, err = p.seed(doc)
	case yaml.MappingNode:
		if opts.Command != nil || opts.CPU != "" || opts.Memory != "" || opts.ParamNames != nil {
			return nil, &Error{File: filename, Msg: "--command, --cpu, --memory and --param-names only apply to the seed format (a list of script + args); set them in spec.template"}
		}
		if isKatib(doc) {
			exp, err = p.katib(doc)
		} else {
			exp, err = p.native(doc)
		}
	default:
		return nil, p.errorf(doc, "want an Experiment (apiVersion: %s) or a list of script + args, got %s", APIVersion, describe(doc))
	}
	if err != nil {
		return nil, err
	}
	if opts.Queue != "" {
		if msg := CheckQueueName(opts.Queue); msg != "" {
			return nil, &Error{File: filename, Msg: "--queue: " + msg}
		}
		exp.Queue = opts.Queue
	}
	exp.File = filename
	return exp, nil
}

// CheckQueueName returns why name cannot name a Kueue LocalQueue (an
// object name that is also a label value), or "".
func CheckQueueName(name string) string {
	errs := validation.IsDNS1123Subdomain(name)
	errs = append(errs, validation.IsValidLabelValue(name)...)
	if len(errs) > 0 {
		return fmt.Sprintf("invalid LocalQueue name %q: %s", name, strings.Join(errs, "; "))
	}
	return ""
}

// document decodes the single YAML document of data.
func (p *parser) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: p.file, Msg: "file is empty"}
		}
		return nil, p.yamlError(err, data)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, p.errorf(&next, "a file holds one experiment: found a second YAML document")
	} else if !errors.Is(err, io.EOF) {
		return nil, p.yamlError(err, data)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, &Error{File: p.file, Msg: "file is empty"}
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, &Error{File: p.file, Msg: "file is empty"}
	}
	return root, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into an *Error with the line.
func (p *parser) yamlError(err error, data []byte) error {
	msg := err.Error()
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: p.file, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	msg = m[2]
	// ${x} unquoted inside [...] or {...} reads as a YAML mapping.
	// yaml.v3 reports errors inside [...] and {...} a line early.
	lines := strings.Split(string(data), "\n")
	for _, l := range []int{line, line + 1} {
		if l-1 < len(lines) && strings.Contains(lines[l-1], "${") &&
			strings.ContainsAny(strings.ReplaceAll(lines[l-1], "${", ""), "[{") {
			line = l
			msg += ` (quote values that hold ${...} inside [...] or {...}: "${name}")`
			break
		}
	}
	return &Error{File: p.file, Pos: Pos{Line: line}, Msg: msg}
}

// defaultName derives an experiment name from a file name: its base name
// without extension, lowercased, other characters turned into dashes.
func defaultName(filename string) string {
	base := filepath.Base(filename)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	for _, c := range strings.ToLower(base) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	name := b.String()
	if len(name) > MaxNameLength {
		name = name[:MaxNameLength]
	}
	return strings.Trim(name, "-")
}

// checkName returns why name is not a valid experiment name, or "".
func checkName(name string) string {
	if name == "" {
		return "the experiment name is empty"
	}
	if len(name) > MaxNameLength {
		return fmt.Sprintf("experiment name %q is %d characters long: at most %d (trial names append 9 characters)", name, len(name), MaxNameLength)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0 && i < len(name)-1
		if !ok {
			return fmt.Sprintf("invalid experiment name %q: want lowercase letters, digits and '-', starting and ending with a letter or digit", name)
		}
	}
	return ""
}
