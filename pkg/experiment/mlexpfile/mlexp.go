// Package mlexpfile reads the mlexp format of experiment files (apiVersion
// mlexp.dev/v1alpha1, kind Experiment): spec.parameters (grid, list,
// random, exclude, include, limit), spec.template (a batch/v1 Job) and
// spec.results, into the model of package model.
package mlexpfile

import (
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// parser reads one file in the mlexp format.
type parser struct{ *reader.Reader }

// Read reads the mlexp format's document doc, a mapping, with r.
func Read(r *reader.Reader, doc *yaml.Node) (*model.Experiment, error) {
	return (&parser{r}).read(doc)
}

// read parses the mlexp.dev/v1alpha1 Experiment format.
func (p *parser) read(doc *yaml.Node) (*model.Experiment, error) {
	top, err := p.Object(doc, "the experiment", "apiVersion", "kind", "metadata", "spec")
	if err != nil {
		return nil, err
	}
	av, ok := top["apiVersion"]
	if !ok {
		return nil, p.Errorf(doc, "apiVersion is missing: want apiVersion: %s", model.APIVersion)
	}
	apiVersion, err := p.Str(av.Value, "apiVersion")
	if err != nil {
		return nil, err
	}
	kind := ""
	if k, ok := top["kind"]; ok {
		if kind, err = p.Str(k.Value, "kind"); err != nil {
			return nil, err
		}
	}
	if apiVersion == "batch/v1" && kind == "Job" {
		return nil, p.Errorf(doc, "this file is a Job, not an Experiment: put the Job under spec.template of an Experiment (apiVersion: %s)", model.APIVersion)
	}
	if apiVersion != model.APIVersion {
		return nil, p.Errorf(av.Value, "unknown apiVersion %q: want %s", apiVersion, model.APIVersion)
	}
	if kind != model.Kind {
		at := doc
		if k, ok := top["kind"]; ok {
			at = k.Value
		}
		return nil, p.Errorf(at, "kind is %q: want %s", kind, model.Kind)
	}
	exp := &model.Experiment{Format: model.Native}
	if _, err := p.Metadata(doc, top, exp, "metadata"); err != nil {
		return nil, err
	}
	sf, ok := top["spec"]
	if !ok {
		return nil, p.Errorf(doc, "spec is missing")
	}
	spec, err := p.Object(sf.Value, "spec", "parameters", "search", "template", "results", "queue")
	if err != nil {
		return nil, err
	}
	if rf, ok := spec["results"]; ok {
		if exp.Results, err = p.results(rf.Value); err != nil {
			return nil, err
		}
	}
	pf, ok := spec["parameters"]
	if srch, isSearch := spec["search"]; isSearch {
		if ok {
			return nil, p.Errorf(pf.KeyN, "spec.parameters and spec.search exclude each other: an adaptive search draws its trials from spec.search.params")
		}
		if exp.Search, err = p.search(srch, exp.Name, exp.Results); err != nil {
			return nil, err
		}
		if exp.Space, err = exp.Search.FirstBatch(p.File); err != nil {
			return nil, p.Errorf(srch.KeyN, "%v", err)
		}
	} else if !ok {
		return nil, p.Errorf(sf.KeyN, "spec.parameters is missing")
	} else if exp.Space, err = p.parameters(pf); err != nil {
		return nil, err
	}
	if err := exp.Space.Validate(); err != nil {
		return nil, err
	}
	tf, ok := spec["template"]
	if !ok {
		return nil, p.Errorf(sf.KeyN, "spec.template is missing: give the Job (spec.template.spec.template.spec.containers...)")
	}
	if exp.Template, err = p.Template(tf.Value, exp.Space.Names()); err != nil {
		return nil, err
	}
	if qf, ok := spec["queue"]; ok {
		if exp.Queue, err = p.Str(qf.Value, "spec.queue"); err != nil {
			return nil, err
		}
		if msg := model.CheckQueueName(exp.Queue); msg != "" {
			return nil, p.Errorf(qf.Value, "spec.queue: %s", msg)
		}
	}
	return exp, nil
}

// results parses spec.results.
func (p *parser) results(n *yaml.Node) (model.ResultsSpec, error) {
	var r model.ResultsSpec
	fs, err := p.Object(n, "spec.results", "metric", "goal", "target", "columns", "patterns", "filters")
	if err != nil {
		return r, err
	}
	if f, ok := fs["metric"]; ok {
		if r.Metric, err = p.MetricName(f.Value, "results.metric"); err != nil {
			return r, err
		}
	}
	if f, ok := fs["goal"]; ok {
		if r.Goal, err = p.Str(f.Value, "results.goal"); err != nil {
			return r, err
		}
		g, err := ranking.ParseGoal(r.Goal)
		if err != nil || g == "" {
			return r, p.Errorf(f.Value, "results.goal %q: want max or min", r.Goal)
		}
		r.Goal = string(g)
		if r.Metric == "" {
			return r, p.Errorf(f.Value, "results.goal needs results.metric")
		}
	}
	if f, ok := fs["target"]; ok {
		v, err := p.Number(f.Value, "results.target")
		if err != nil {
			return r, err
		}
		if r.Metric == "" {
			return r, p.Errorf(f.Value, "results.target needs results.metric")
		}
		r.Target = &v
	}
	if f, ok := fs["columns"]; ok {
		if r.Columns, err = p.MetricNames(f.Value, "results.columns", r.Metric); err != nil {
			return r, err
		}
	}
	if f, ok := fs["filters"]; ok {
		if r.Filters, err = p.Filters(f.Value, "results.filters"); err != nil {
			return r, err
		}
	}
	f, ok := fs["patterns"]
	if !ok {
		return r, nil
	}
	items, err := p.Sequence(f.Value, "results.patterns")
	if err != nil {
		return r, err
	}
	groups := map[string]bool{}
	for _, it := range items {
		s, err := p.Str(it, "results.patterns")
		if err != nil {
			return r, err
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return r, p.Errorf(it, "results.patterns: %v", err)
		}
		named := 0
		for _, g := range re.SubexpNames() {
			if g != "" {
				groups[logmetrics.NormalizeName(g)] = true
				named++
			}
		}
		if named == 0 {
			return r, p.Errorf(it, "results.patterns: %q has no named group: write (?P<accuracy>[0-9.]+) to name the metric", s)
		}
		r.Patterns = append(r.Patterns, s)
	}
	// A metric no group could name (validation-accuracy) comes from the
	// built-in rules or a filter; one that could is most likely a typo.
	if m := logmetrics.NormalizeName(r.Metric); m != "" && len(r.Filters) == 0 && isGroupName(m) && !groups[m] {
		return r, p.Errorf(f.Value, "results.metric %q is not a named group of any pattern", r.Metric)
	}
	return r, nil
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
