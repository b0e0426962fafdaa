package experiment

import (
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/space"
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
	if exp.Name, err = p.metadata(doc, top, p.opts.Name); err != nil {
		return nil, err
	}
	sf, ok := top["spec"]
	if !ok {
		return nil, p.errorf(doc, "spec is missing")
	}
	spec, err := p.object(sf.Value, "spec", "parameters", "template", "results")
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
	if rf, ok := spec["results"]; ok {
		if exp.Results, err = p.results(rf.Value); err != nil {
			return nil, err
		}
	}
	return exp, nil
}

// metadata returns the experiment name: override when set, else
// metadata.name.
func (p *parser) metadata(doc *yaml.Node, top map[string]field, override string) (string, error) {
	var name string
	at := doc
	if mf, ok := top["metadata"]; ok {
		meta, err := p.object(mf.Value, "metadata", "name")
		if err != nil {
			return "", err
		}
		at = mf.KeyN
		if nf, ok := meta["name"]; ok {
			if name, err = p.str(nf.Value, "metadata.name"); err != nil {
				return "", err
			}
			at = nf.Value
		}
	}
	if override != "" {
		if msg := checkName(override); msg != "" {
			return "", &Error{File: p.file, Msg: "--name: " + msg}
		}
		return override, nil
	}
	if name == "" {
		return "", p.errorf(at, "metadata.name is missing: name the experiment (or pass --name)")
	}
	if msg := checkName(name); msg != "" {
		return "", p.errorf(at, "metadata.name: %s", msg)
	}
	return name, nil
}

// results parses spec.results.
func (p *parser) results(n *yaml.Node) (ResultsSpec, error) {
	var r ResultsSpec
	fs, err := p.object(n, "spec.results", "metric", "goal", "patterns")
	if err != nil {
		return r, err
	}
	if f, ok := fs["metric"]; ok {
		if r.Metric, err = p.str(f.Value, "results.metric"); err != nil {
			return r, err
		}
		if !space.IsIdentifier(r.Metric) {
			return r, p.errorf(f.Value, "results.metric %q: want a name made of letters, digits and _", r.Metric)
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
				groups[g] = true
				named++
			}
		}
		if named == 0 {
			return r, p.errorf(it, "results.patterns: %q has no named group: write (?P<accuracy>[0-9.]+) to name the metric", s)
		}
		r.Patterns = append(r.Patterns, s)
	}
	if r.Metric != "" && len(r.Patterns) > 0 && !groups[r.Metric] {
		return r, p.errorf(f.Value, "results.metric %q is not a named group of any pattern", r.Metric)
	}
	return r, nil
}
