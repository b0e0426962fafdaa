package experiment

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
)

// native parses the mlexp.dev/v1alpha1 Experiment format.
func (p *parser) native(doc *yaml.Node) (*Experiment, error) {
	top, err := p.object(doc, "the experiment", "apiVersion", "kind", "metadata", "spec")
	if err != nil {
		return nil, err
	}
	av, ok := top["apiVersion"]
	if !ok {
		return nil, p.errorf(doc, "apiVersion is missing: want apiVersion: %s", APIVersion)
	}
	apiVersion, err := p.str(av.Value, "apiVersion")
	if err != nil {
		return nil, err
	}
	kind := ""
	if k, ok := top["kind"]; ok {
		if kind, err = p.str(k.Value, "kind"); err != nil {
			return nil, err
		}
	}
	if apiVersion == "batch/v1" && kind == "Job" {
		return nil, p.errorf(doc, "this file is a Job, not an Experiment: put the Job under spec.template of an Experiment (apiVersion: %s)", APIVersion)
	}
	if apiVersion != APIVersion {
		return nil, p.errorf(av.Value, "unknown apiVersion %q: want %s", apiVersion, APIVersion)
	}
	if kind != Kind {
		at := doc
		if k, ok := top["kind"]; ok {
			at = k.Value
		}
		return nil, p.errorf(at, "kind is %q: want %s", kind, Kind)
	}
	exp := &Experiment{Format: Native}
	if _, err := p.metadata(doc, top, exp, "metadata"); err != nil {
		return nil, err
	}
	sf, ok := top["spec"]
	if !ok {
		return nil, p.errorf(doc, "spec is missing")
	}
	spec, err := p.object(sf.Value, "spec", "parameters", "template", "results", "queue")
	if err != nil {
		return nil, err
	}
	pf, ok := spec["parameters"]
	if !ok {
		return nil, p.errorf(sf.KeyN, "spec.parameters is missing")
	}
	if exp.Space, err = p.parameters(pf); err != nil {
		return nil, err
	}
	if err := exp.Space.Validate(); err != nil {
		return nil, err
	}
	tf, ok := spec["template"]
	if !ok {
		return nil, p.errorf(sf.KeyN, "spec.template is missing: give the Job (spec.template.spec.template.spec.containers...)")
	}
	if exp.Template, err = p.template(tf.Value, exp.Space.Names()); err != nil {
		return nil, err
	}
	if qf, ok := spec["queue"]; ok {
		if exp.Queue, err = p.str(qf.Value, "spec.queue"); err != nil {
			return nil, err
		}
		if msg := CheckQueueName(exp.Queue); msg != "" {
			return nil, p.errorf(qf.Value, "spec.queue: %s", msg)
		}
	}
	if rf, ok := spec["results"]; ok {
		if exp.Results, err = p.results(rf.Value); err != nil {
			return nil, err
		}
	}
	return exp, nil
}

// metadata sets the experiment's name (--name, else metadata.name) and
// namespace from the file's metadata, which may hold the fields known
// besides name and namespace; it returns metadata's fields.
func (p *parser) metadata(doc *yaml.Node, top map[string]field, exp *Experiment, what string, known ...string) (map[string]field, error) {
	var meta map[string]field
	var name string
	at := doc
	if mf, ok := top["metadata"]; ok {
		var err error
		if meta, err = p.object(mf.Value, what, append([]string{"name", "namespace"}, known...)...); err != nil {
			return nil, err
		}
		at = mf.KeyN
		if nf, ok := meta["name"]; ok {
			if name, err = p.str(nf.Value, "metadata.name"); err != nil {
				return nil, err
			}
			at = nf.Value
		}
		if nf, ok := meta["namespace"]; ok {
			if exp.Namespace, err = p.str(nf.Value, "metadata.namespace"); err != nil {
				return nil, err
			}
			if errs := validation.IsDNS1123Label(exp.Namespace); len(errs) > 0 {
				return nil, p.errorf(nf.Value, "metadata.namespace: invalid namespace %q: %s", exp.Namespace, strings.Join(errs, "; "))
			}
			exp.NamespacePos = pos(nf.Value)
		}
	}
	if p.opts.Name != "" {
		if msg := checkName(p.opts.Name); msg != "" {
			return nil, &Error{File: p.file, Msg: "--name: " + msg}
		}
		exp.Name = p.opts.Name
		return meta, nil
	}
	if name == "" {
		return nil, p.errorf(at, "metadata.name is missing: name the experiment (or pass --name)")
	}
	if msg := checkName(name); msg != "" {
		return nil, p.errorf(at, "metadata.name: %s", msg)
	}
	exp.Name = name
	return meta, nil
}

// results parses spec.results.
func (p *parser) results(n *yaml.Node) (ResultsSpec, error) {
	var r ResultsSpec
	fs, err := p.object(n, "spec.results", "metric", "goal", "target", "columns", "patterns", "filters")
	if err != nil {
		return r, err
	}
	if f, ok := fs["metric"]; ok {
		if r.Metric, err = p.metricName(f.Value, "results.metric"); err != nil {
			return r, err
		}
	}
	if f, ok := fs["goal"]; ok {
		if r.Goal, err = p.str(f.Value, "results.goal"); err != nil {
			return r, err
		}
		if r.Goal != "max" && r.Goal != "min" {
			return r, p.errorf(f.Value, "results.goal %q: want max or min", r.Goal)
		}
		if r.Metric == "" {
			return r, p.errorf(f.Value, "results.goal needs results.metric")
		}
	}
	if f, ok := fs["target"]; ok {
		v, err := p.number(f.Value, "results.target")
		if err != nil {
			return r, err
		}
		if r.Metric == "" {
			return r, p.errorf(f.Value, "results.target needs results.metric")
		}
		r.Target = &v
	}
	if f, ok := fs["columns"]; ok {
		if r.Columns, err = p.metricNames(f.Value, "results.columns", r.Metric); err != nil {
			return r, err
		}
	}
	if f, ok := fs["filters"]; ok {
		if r.Filters, err = p.filters(f.Value, "results.filters"); err != nil {
			return r, err
		}
	}
	f, ok := fs["patterns"]
	if !ok {
		return r, nil
	}
	items, err := p.sequence(f.Value, "results.patterns")
	if err != nil {
		return r, err
	}
	groups := map[string]bool{}
	for _, it := range items {
		s, err := p.str(it, "results.patterns")
		if err != nil {
			return r, err
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return r, p.errorf(it, "results.patterns: %v", err)
		}
		named := 0
		for _, g := range re.SubexpNames() {
			if g != "" {
				groups[logmetrics.NormalizeName(g)] = true
				named++
			}
		}
		if named == 0 {
			return r, p.errorf(it, "results.patterns: %q has no named group: write (?P<accuracy>[0-9.]+) to name the metric", s)
		}
		r.Patterns = append(r.Patterns, s)
	}
	// A metric no group could name (validation-accuracy) comes from the
	// built-in rules or a filter; one that could is most likely a typo.
	if m := logmetrics.NormalizeName(r.Metric); m != "" && len(r.Filters) == 0 && isGroupName(m) && !groups[m] {
		return r, p.errorf(f.Value, "results.metric %q is not a named group of any pattern", r.Metric)
	}
	return r, nil
}

// metricName reads a metric name as a log prints it (Validation-accuracy,
// val_loss, "Test accuracy").
func (p *parser) metricName(n *yaml.Node, what string) (string, error) {
	s, err := p.str(n, what)
	if err != nil {
		return "", err
	}
	if !logmetrics.ValidName(s) {
		return "", p.errorf(n, "%s %q: want a metric name as the log prints it: a letter, then letters, digits, spaces or _ . / @ -", what, s)
	}
	return s, nil
}

// metricNames reads a list of metric names, each once and none equal to
// the ranking metric.
func (p *parser) metricNames(n *yaml.Node, what, metric string) ([]string, error) {
	items, err := p.sequence(n, what)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{logmetrics.NormalizeName(metric): 0}
	var out []string
	for _, it := range items {
		s, err := p.metricName(it, what)
		if err != nil {
			return nil, err
		}
		k := logmetrics.NormalizeName(s)
		if line, dup := seen[k]; dup {
			if line == 0 {
				return nil, p.errorf(it, "%s: %q is the ranking metric already", what, s)
			}
			return nil, p.errorf(it, "%s: %q is listed twice (first at line %d)", what, s, line)
		}
		seen[k] = it.Line
		out = append(out, s)
	}
	return out, nil
}

// filters reads regular expressions whose first group matches a metric's
// name and second its value.
func (p *parser) filters(n *yaml.Node, what string) ([]string, error) {
	items, err := p.sequence(n, what)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		s, err := p.str(it, what)
		if err != nil {
			return nil, err
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, p.errorf(it, "%s: %v", what, err)
		}
		if re.NumSubexp() < 2 {
			return nil, p.errorf(it, "%s: %q needs two groups, the metric's name then its value, as in ([\\w-]+)=([0-9.]+)", what, s)
		}
		out = append(out, s)
	}
	return out, nil
}

// isGroupName reports whether s can name a group of a Go regular expression.
func isGroupName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}
