package reader

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
)

// Metadata sets the experiment's name (--name, else metadata.name) and
// namespace from the file's metadata, which may hold the fields known
// besides name and namespace; it returns metadata's fields.
func (p *Reader) Metadata(doc *yaml.Node, top map[string]Field, exp *model.Experiment, what string, known ...string) (map[string]Field, error) {
	var meta map[string]Field
	var name string
	at := doc
	if mf, ok := top["metadata"]; ok {
		var err error
		if meta, err = p.Object(mf.Value, what, append([]string{"name", "namespace"}, known...)...); err != nil {
			return nil, err
		}
		at = mf.KeyN
		if nf, ok := meta["name"]; ok {
			if name, err = p.Str(nf.Value, "metadata.name"); err != nil {
				return nil, err
			}
			at = nf.Value
		}
		if nf, ok := meta["namespace"]; ok {
			if exp.Namespace, err = p.Str(nf.Value, "metadata.namespace"); err != nil {
				return nil, err
			}
			if errs := validation.IsDNS1123Label(exp.Namespace); len(errs) > 0 {
				return nil, p.Errorf(nf.Value, "metadata.namespace: invalid namespace %q: %s", exp.Namespace, strings.Join(errs, "; "))
			}
			exp.NamespacePos = PosOf(nf.Value)
		}
	}
	if p.Opts.Name != "" {
		if msg := model.CheckName(p.Opts.Name); msg != "" {
			return nil, &model.Error{File: p.File, Msg: "--name: " + msg}
		}
		exp.Name = p.Opts.Name
		return meta, nil
	}
	if name == "" {
		return nil, p.Errorf(at, "metadata.name is missing: name the experiment (or pass --name)")
	}
	if msg := model.CheckName(name); msg != "" {
		return nil, p.Errorf(at, "metadata.name: %s", msg)
	}
	exp.Name = name
	return meta, nil
}

// MetricName reads a metric name as a log prints it (Validation-accuracy,
// val_loss, "Test accuracy").
func (p *Reader) MetricName(n *yaml.Node, what string) (string, error) {
	s, err := p.Str(n, what)
	if err != nil {
		return "", err
	}
	if !logmetrics.ValidName(s) {
		return "", p.Errorf(n, "%s %q: want a metric name as the log prints it: a letter, then letters, digits, spaces or _ . / @ -", what, s)
	}
	return s, nil
}

// MetricNames reads a list of metric names, each once and none equal to
// the ranking metric.
func (p *Reader) MetricNames(n *yaml.Node, what, metric string) ([]string, error) {
	items, err := p.Sequence(n, what)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{logmetrics.NormalizeName(metric): 0}
	var out []string
	for _, it := range items {
		s, err := p.MetricName(it, what)
		if err != nil {
			return nil, err
		}
		k := logmetrics.NormalizeName(s)
		if line, dup := seen[k]; dup {
			if line == 0 {
				return nil, p.Errorf(it, "%s: %q is the ranking metric already", what, s)
			}
			return nil, p.Errorf(it, "%s: %q is listed twice (first at line %d)", what, s, line)
		}
		seen[k] = it.Line
		out = append(out, s)
	}
	return out, nil
}

// Filters reads regular expressions whose first group matches a metric's
// name and second its value.
func (p *Reader) Filters(n *yaml.Node, what string) ([]string, error) {
	items, err := p.Sequence(n, what)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		s, err := p.Str(it, what)
		if err != nil {
			return nil, err
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, p.Errorf(it, "%s: %v", what, err)
		}
		if re.NumSubexp() < 2 {
			return nil, p.Errorf(it, "%s: %q needs two groups, the metric's name then its value, as in ([\\w-]+)=([0-9.]+)", what, s)
		}
		out = append(out, s)
	}
	return out, nil
}
