package experiment

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/kubectl/pkg/cmd/util/podcmd"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/subst"
)

// katibRefPrefix opens a reference to a trial parameter in a Katib template.
const katibRefPrefix = "${trialParameters."

// The success and failure conditions Katib gives a Job's trial by default:
// the Job's own Complete and Failed conditions, which are what
// kubectl-mlexp reads too.
const (
	katibJobSuccess = `status.conditions.#(type=="Complete")#|#(status=="True")#`
	katibJobFailure = `status.conditions.#(type=="Failed")#|#(status=="True")#`
)

// katibTemplate reads spec.trialTemplate: trialSpec is the Job, its
// ${trialParameters.NAME} references resolved through trialParameters to
// the parameters they reference, and primaryContainerName becomes the
// pod's kubectl.kubernetes.io/default-container annotation, so logs and
// results read that container.
func (p *parser) katibTemplate(specKey *yaml.Node, spec katibSpec, exp *Experiment) (Template, error) {
	f, ok := spec["trialTemplate"]
	if !ok {
		return Template{}, p.errorf(specKey, "spec.trialTemplate is missing: give trialSpec, the Job each trial runs")
	}
	fs, err := p.object(f.Value, "spec.trialTemplate", "retain", "trialSpec", "configMap", "trialParameters",
		"primaryPodLabels", "primaryContainerName", "successCondition", "failureCondition")
	if err != nil {
		return Template{}, err
	}
	if cm, ok := fs["configMap"]; ok {
		return Template{}, p.errorf(cm.KeyN, "trialTemplate.configMap is not supported: kubectl mlexp reads no ConfigMap from the cluster; copy the Job into trialTemplate.trialSpec")
	}
	ts, ok := fs["trialSpec"]
	if !ok {
		return Template{}, p.errorf(f.KeyN, "spec.trialTemplate.trialSpec is missing: give the Job each trial runs")
	}
	if err := p.katibKind(ts); err != nil {
		return Template{}, err
	}
	refs, err := p.trialParameters(f.KeyN, fs, exp.Space.Names())
	if err != nil {
		return Template{}, err
	}
	job, err := p.katibSubst(ts.Value, refs, false)
	if err != nil {
		return Template{}, err
	}
	cf, ok := fs["primaryContainerName"]
	if !ok {
		return Template{}, p.errorf(f.KeyN, "spec.trialTemplate.primaryContainerName is missing: name the container whose log carries the metrics")
	}
	primary, err := p.str(cf.Value, "primaryContainerName")
	if err != nil {
		return Template{}, err
	}
	if err := p.setPrimary(job, primary, cf.Value); err != nil {
		return Template{}, err
	}
	for _, c := range []struct{ key, def string }{{"successCondition", katibJobSuccess}, {"failureCondition", katibJobFailure}} {
		if g, ok := fs[c.key]; ok && g.Value.Value != c.def {
			exp.Warnings = append(exp.Warnings, p.warnf(g.KeyN, "trialTemplate.%s is not applied: a trial's state is its Job's (Complete or Failed)", c.key))
		}
	}
	if g, ok := fs["primaryPodLabels"]; ok {
		exp.Warnings = append(exp.Warnings, p.warnf(g.KeyN, "trialTemplate.primaryPodLabels is not applied: a trial is one Job and its pod"))
	}
	if g, ok := fs["retain"]; ok {
		if _, err := p.boolean(g.Value, "trialTemplate.retain"); err != nil {
			return Template{}, err
		}
	}
	return p.template(job, exp.Space.Names())
}

// katibKind checks that trialSpec is a batch/v1 Job, the one kind of trial
// kubectl-mlexp runs.
func (p *parser) katibKind(ts field) error {
	var apiVersion, kind *yaml.Node
	if ts.Value.Kind == yaml.MappingNode {
		apiVersion, kind = mapGet(ts.Value, "apiVersion"), mapGet(ts.Value, "kind")
	}
	if apiVersion == nil || kind == nil {
		return p.errorf(ts.KeyN, "trialSpec needs apiVersion: batch/v1 and kind: Job")
	}
	if kind.Value != "Job" || apiVersion.Value != "batch/v1" {
		return p.errorf(kind, "trialSpec is a %s %s: kubectl mlexp runs each trial as a batch/v1 Job (Kubeflow training jobs and other kinds need their operators)", apiVersion.Value, kind.Value)
	}
	return nil
}

// trialParameters maps each trialParameters name to the parameter its
// reference names.
func (p *parser) trialParameters(tmplKey *yaml.Node, fs map[string]field, names []string) (map[string]string, error) {
	f, ok := fs["trialParameters"]
	if !ok {
		return nil, p.errorf(tmplKey, "spec.trialTemplate.trialParameters is missing: map each ${trialParameters.NAME} of trialSpec to a parameter")
	}
	items, err := p.sequence(f.Value, "trialParameters")
	if err != nil {
		return nil, err
	}
	refs := map[string]string{}
	nameAt := map[string]int{}
	refAt := map[string]int{}
	for _, it := range items {
		tp, err := p.object(it, "trialParameters item", "name", "description", "reference")
		if err != nil {
			return nil, err
		}
		nf, ok1 := tp["name"]
		rf, ok2 := tp["reference"]
		if !ok1 || !ok2 {
			return nil, p.errorf(it, "trialParameters: each item needs a name and a reference")
		}
		name, err := p.str(nf.Value, "trialParameters name")
		if err != nil {
			return nil, err
		}
		if name == "" || strings.ContainsAny(name, "{}") {
			return nil, p.errorf(nf.Value, "trialParameters name %q: want a name without { or }", name)
		}
		if line, dup := nameAt[name]; dup {
			return nil, p.errorf(nf.Value, "trialParameters name %q is given twice (first at line %d)", name, line)
		}
		ref, err := p.str(rf.Value, "trialParameters reference")
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(ref, "${trialSpec.") {
			return nil, p.errorf(rf.Value, "reference %s is not supported: a trial's name, namespace and labels are set when it is submitted, not in its template", ref)
		}
		if !contains(names, ref) {
			return nil, p.errorf(rf.Value, "reference %q is not a parameter of spec.parameters (parameters: %s)%s", ref, strings.Join(names, ", "), hint(ref, names))
		}
		if line, dup := refAt[ref]; dup {
			return nil, p.errorf(rf.Value, "reference %q is given twice (first at line %d)", ref, line)
		}
		if df, ok := tp["description"]; ok {
			if _, err := p.str(df.Value, "trialParameters description"); err != nil {
				return nil, err
			}
		}
		nameAt[name], refAt[ref] = nf.Value.Line, rf.Value.Line
		refs[name] = ref
	}
	return refs, nil
}

// katibSubst returns a copy of n where every string's
// ${trialParameters.NAME} is ${PARAMETER} and every other $ is $$, so
// that the template compiler substitutes what Katib substitutes and
// nothing else. Keys are copied as they are unless they reference a
// trial parameter, which the compiler then refuses.
func (p *parser) katibSubst(n *yaml.Node, refs map[string]string, key bool) (*yaml.Node, error) {
	c := *n
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() != "!!str" || key && !strings.Contains(n.Value, katibRefPrefix) {
			return &c, nil
		}
		v, err := p.katibString(n, refs)
		c.Value = v
		return &c, err
	case yaml.MappingNode, yaml.SequenceNode:
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			isKey := n.Kind == yaml.MappingNode && i%2 == 0
			var err error
			if c.Content[i], err = p.katibSubst(child, refs, isKey); err != nil {
				return nil, err
			}
		}
	}
	return &c, nil
}

// katibString rewrites one string of a Katib template in this project's
// substitution syntax.
func (p *parser) katibString(n *yaml.Node, refs map[string]string) (string, error) {
	var b strings.Builder
	s := n.Value
	for {
		i := strings.Index(s, katibRefPrefix)
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break // not a reference, as Katib reads it
		}
		name := s[i+len(katibRefPrefix) : i+j]
		param, ok := refs[name]
		if !ok {
			known := make([]string, 0, len(refs))
			for k := range refs {
				known = append(known, k)
			}
			sort.Strings(known)
			return "", p.errorf(n, "unknown trial parameter %q in %s%s} (trialParameters: %s)%s", name, katibRefPrefix, name, strings.Join(known, ", "), hint(name, known))
		}
		b.WriteString(subst.Quote(s[:i]))
		b.WriteString("${" + param + "}")
		s = s[i+j+1:]
	}
	b.WriteString(subst.Quote(s))
	return b.String(), nil
}

// setPrimary checks that the pod template has the container primary and
// records it as the pod's default container.
func (p *parser) setPrimary(job *yaml.Node, primary string, at *yaml.Node) error {
	podTmpl := mapGet(mapGet(job, "spec"), "template")
	var names []string
	for _, c := range seqItems(mapGet(mapGet(podTmpl, "spec"), "containers")) {
		if n := mapGet(c, "name"); n != nil && n.Kind == yaml.ScalarNode {
			names = append(names, n.Value)
		}
	}
	if !contains(names, primary) {
		return p.errorf(at, "primaryContainerName %q names no container of trialSpec (containers: %s)%s", primary, strings.Join(names, ", "), hint(primary, names))
	}
	meta := mapSet(podTmpl, "metadata")
	ann := mapSet(meta, "annotations")
	if ann == nil {
		return nil // the compiler reports what is not a mapping
	}
	if cur := mapGet(ann, podcmd.DefaultContainerAnnotationName); cur != nil {
		if cur.Value != primary {
			return p.errorf(cur, "annotation %s %q differs from primaryContainerName %q", podcmd.DefaultContainerAnnotationName, cur.Value, primary)
		}
		return nil
	}
	ann.Content = append(ann.Content, strNode(podcmd.DefaultContainerAnnotationName), strNode(subst.Quote(primary)))
	return nil
}

// mapGet returns the value of key in mapping n, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// mapSet returns the mapping under key in mapping n, adding an empty one
// first in n when n has none (metadata reads before spec); nil when n is
// not a mapping or key holds something else.
func mapSet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	if v := mapGet(n, key); v != nil {
		if v.Kind != yaml.MappingNode {
			return nil
		}
		return v
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	n.Content = append([]*yaml.Node{strNode(key), v}, n.Content...)
	return v
}

// seqItems returns the items of sequence n, or nil.
func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// strNode returns a string scalar.
func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}
