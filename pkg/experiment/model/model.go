// Package model is the experiment every file format is read into: its
// name, parameter space, Job template and results spec (Experiment), and
// its writer in the mlexp format (MarshalNative). The readers of the
// formats are its sibling packages: mlexpfile (apiVersion mlexp.dev/v1alpha1),
// listfile (the blog post's experiments.yaml) and katibfile (Kubeflow
// Katib's Experiment); package experiment picks one by the file's shape.
package model

import (
	"fmt"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// APIVersion is the apiVersion of the mlexp experiment file format.
const APIVersion = "mlexp.dev/v1alpha1"

// Kind is the kind of the mlexp experiment file format.
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
	// Native is the mlexp format: apiVersion mlexp.dev/v1alpha1, kind Experiment.
	Native Format = "mlexp"
	// Seed is the list format of the blog post's experiments.yaml: a list
	// of script + args.
	Seed Format = "list"
	// Katib is Kubeflow Katib's Experiment (kubeflow.org/v1beta1).
	Katib Format = "katib"
)

// Options carries what the command line adds to a file.
type Options struct {
	Name       string                      // --name: sets/overrides the experiment name (list format default: file base name without extension, sanitized to DNS-1123)
	Command    []string                    // --command: container command for the list format (the blog post uses python train.py); nil = image entrypoint
	CPU        string                      // --cpu: limits.cpu for the list format (the blog post: "1"); "" = none
	Memory     string                      // --memory: limits.memory for the list format (the blog post: "6Gi"); "" = none
	ParamNames []string                    // --param-names for the list format's positional args (default arg1, arg2, ...)
	Queue      string                      // --queue: the Kueue LocalQueue; overrides spec.queue
	Drive      bool                        // --drive: run a grid or random search as an adaptive one (Experiment.Search), honouring its counts
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
	// Search is the adaptive search that suggests the trials, nil for a
	// space expanded at once; Space then holds its first batch.
	Search *Search
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

// DefaultName derives an experiment name from a file name: its base name
// without extension, lowercased, other characters turned into dashes.
func DefaultName(filename string) string {
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

// CheckName returns why name is not a valid experiment name, or "".
func CheckName(name string) string {
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
