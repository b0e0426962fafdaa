package katibfile

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/kubectl/pkg/cmd/util/podcmd"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
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
func (p *parser) katibTemplate(specKey *yaml.Node, spec katibSpec, exp *model.Experiment) (model.Template, error) {
	f, ok := spec["trialTemplate"]
	if !ok {
		return model.Template{}, p.Errorf(specKey, "spec.trialTemplate is missing: give trialSpec, the Job each trial runs")
	}
	fs, err := p.Object(f.Value, "spec.trialTemplate", "retain", "trialSpec", "configMap", "trialParameters",
		"primaryPodLabels", "primaryContainerName", "successCondition", "failureCondition")
	if err != nil {
		return model.Template{}, err
	}
	if cm, ok := fs["configMap"]; ok {
		return model.Template{}, p.Errorf(cm.KeyN, "trialTemplate.configMap is not supported: kubectl mlexp reads no ConfigMap from the cluster; copy the Job into trialTemplate.trialSpec")
	}
	ts, ok := fs["trialSpec"]
	if !ok {
		return model.Template{}, p.Errorf(f.KeyN, "spec.trialTemplate.trialSpec is missing: give the Job each trial runs")
	}
	if err := p.katibKind(ts); err != nil {
		return model.Template{}, err
	}
	refs, err := p.trialParameters(f.KeyN, fs, exp.Space.Names())
	if err != nil {
		return model.Template{}, err
	}
	job, err := p.katibSubst(ts.Value, refs, false)
	if err != nil {
		return model.Template{}, err
	}
	cf, ok := fs["primaryContainerName"]
	if !ok {
		return model.Template{}, p.Errorf(f.KeyN, "spec.trialTemplate.primaryContainerName is missing: name the container whose log carries the metrics")
	}
	primary, err := p.Str(cf.Value, "primaryContainerName")
	if err != nil {
		return model.Template{}, err
	}
	if err := p.setPrimary(job, primary, cf.Value); err != nil {
		return model.Template{}, err
	}
	for _, c := range []struct{ key, def string }{{"successCondition", katibJobSuccess}, {"failureCondition", katibJobFailure}} {
		if g, ok := fs[c.key]; ok && g.Value.Value != c.def {
			exp.Warnings = append(exp.Warnings, p.Warnf(g.KeyN, "trialTemplate.%s is not applied: a trial's state is its Job's (Complete or Failed)", c.key))
		}
	}
	if g, ok := fs["primaryPodLabels"]; ok {
		exp.Warnings = append(exp.Warnings, p.Warnf(g.KeyN, "trialTemplate.primaryPodLabels is not applied: a trial is one Job and its pod"))
	}
	if g, ok := fs["retain"]; ok {
		if _, err := p.Boolean(g.Value, "trialTemplate.retain"); err != nil {
			return model.Template{}, err
		}
	}
	return p.Template(job, exp.Space.Names())
}

// katibKind checks that trialSpec is a batch/v1 Job, the one kind of trial
// kubectl-mlexp runs.
func (p *parser) katibKind(ts reader.Field) error {
	var apiVersion, kind *yaml.Node
	if ts.Value.Kind == yaml.MappingNode {
		apiVersion, kind = reader.MapGet(ts.Value, "apiVersion"), reader.MapGet(ts.Value, "kind")
	}
	if apiVersion == nil || kind == nil {
		return p.Errorf(ts.KeyN, "trialSpec needs apiVersion: batch/v1 and kind: Job")
	}
	if kind.Value != "Job" || apiVersion.Value != "batch/v1" {
		return p.Errorf(kind, "trialSpec is a %s %s: kubectl mlexp runs each trial as a batch/v1 Job (Kubeflow training jobs and other kinds need their operators)", apiVersion.Value, kind.Value)
	}
	return nil
}

// trialParameters maps each trialParameters name to the parameter its
// reference names.
func (p *parser) trialParameters(tmplKey *yaml.Node, fs map[string]reader.Field, names []string) (map[string]string, error) {
	f, ok := fs["trialParameters"]
	if !ok {
		return nil, p.Errorf(tmplKey, "spec.trialTemplate.trialParameters is missing: map each ${trialParameters.NAME} of trialSpec to a parameter")
	}
	items, err := p.Sequence(f.Value, "trialParameters")
	if err != nil {
		return nil, err
	}
	refs := map[string]string{}
	nameAt := map[string]int{}
	refAt := map[string]int{}
	for _, it := range items {
		tp, err := p.Object(it, "trialParameters item", "name", "description", "reference")
		if err != nil {
			return nil, err
		}
		nf, ok1 := tp["name"]
		rf, ok2 := tp["reference"]
		if !ok1 || !ok2 {
			return nil, p.Errorf(it, "trialParameters: each item needs a name and a reference")
		}
		name, err := p.Str(nf.Value, "trialParameters name")
		if err != nil {
			return nil, err
		}
		if name == "" || strings.ContainsAny(name, "{}") {
			return nil, p.Errorf(nf.Value, "trialParameters name %q: want a name without { or }", name)
		}
		if line, dup := nameAt[name]; dup {
			return nil, p.Errorf(nf.Value, "trialParameters name %q is given twice (first at line %d)", name, line)
		}
		ref, err := p.Str(rf.Value, "trialParameters reference")
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(ref, "${trialSpec.") {
			return nil, p.Errorf(rf.Value, "reference %s is not supported: a trial's name, namespace and labels are set when it is submitted, not in its template", ref)
		}
		if !reader.Contains(names, ref) {
			return nil, p.Errorf(rf.Value, "reference %q is not a parameter of spec.parameters (parameters: %s)%s", ref, strings.Join(names, ", "), reader.Hint(ref, names))
		}
		if line, dup := refAt[ref]; dup {
			return nil, p.Errorf(rf.Value, "reference %q is given twice (first at line %d)", ref, line)
		}
		if df, ok := tp["description"]; ok {
			if _, err := p.Str(df.Value, "trialParameters description"); err != nil {
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
			return "", p.Errorf(n, "unknown trial parameter %q in %s%s} (trialParameters: %s)%s", name, katibRefPrefix, name, strings.Join(known, ", "), reader.Hint(name, known))
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
	podTmpl := reader.MapGet(reader.MapGet(job, "spec"), "template")
	var names []string
	for _, c := range reader.SeqItems(reader.MapGet(reader.MapGet(podTmpl, "spec"), "containers")) {
		if n := reader.MapGet(c, "name"); n != nil && n.Kind == yaml.ScalarNode {
			names = append(names, n.Value)
		}
	}
	if !reader.Contains(names, primary) {
		return p.Errorf(at, "primaryContainerName %q names no container of trialSpec (containers: %s)%s", primary, strings.Join(names, ", "), reader.Hint(primary, names))
	}
	meta := reader.MapSet(podTmpl, "metadata")
	ann := reader.MapSet(meta, "annotations")
	if ann == nil {
		return nil // the compiler reports what is not a mapping
	}
	if cur := reader.MapGet(ann, podcmd.DefaultContainerAnnotationName); cur != nil {
		if cur.Value != primary {
			return p.Errorf(cur, "annotation %s %q differs from primaryContainerName %q", podcmd.DefaultContainerAnnotationName, cur.Value, primary)
		}
		return nil
	}
	ann.Content = append(ann.Content, reader.StrNode(podcmd.DefaultContainerAnnotationName), reader.StrNode(subst.Quote(primary)))
	return nil
}
