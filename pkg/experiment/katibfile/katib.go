// Package katibfile reads Kubeflow Katib's Experiment files
// (kubeflow.org/v1beta1) into the model of package model: the parameters
// and the algorithm become the parameter space, trialTemplate.trialSpec the
// Job, the objective and metricsCollectorSpec the results spec. What needs
// Katib's controller is refused, or reported in Experiment.Warnings when
// running without it is still sound.
package katibfile

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
)

// KatibAPIVersion is the apiVersion of the Kubeflow Katib Experiment files
// that Parse reads.
const KatibAPIVersion = "kubeflow.org/v1beta1"

// katibAlgorithms are the algorithms a Katib file may name: grid and random
// run here; the others need Katib's suggestion services.
var katibAlgorithms = []string{"grid", "random"}

// Is reports whether the mapping doc says it is a Kubeflow resource.
func Is(doc *yaml.Node) bool {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Value == "apiVersion" && v.Kind == yaml.ScalarNode {
			return strings.HasPrefix(v.Value, "kubeflow.org/")
		}
	}
	return false
}

// katibSpec holds the fields of a Katib Experiment's spec by name.
type katibSpec map[string]reader.Field

// parser reads one Katib Experiment.
type parser struct{ *reader.Reader }

// Read reads the Katib Experiment doc, a mapping, with r.
func Read(r *reader.Reader, doc *yaml.Node) (*model.Experiment, error) {
	return (&parser{r}).katib(doc)
}

// katib parses a Kubeflow Katib Experiment (kubeflow.org/v1beta1) into the
// same Experiment the native format gives: its parameters and algorithm
// become the space, trialTemplate.trialSpec the Job, and objective and
// metricsCollectorSpec the results spec. What needs Katib's controller is
// refused, or reported in Warnings when running without it is still sound.
func (p *parser) katib(doc *yaml.Node) (*model.Experiment, error) {
	top, err := p.Object(doc, "the Katib Experiment", "apiVersion", "kind", "metadata", "spec")
	if err != nil {
		return nil, err
	}
	av := top["apiVersion"]
	if apiVersion, _ := p.Str(av.Value, "apiVersion"); apiVersion != KatibAPIVersion {
		return nil, p.Errorf(av.Value, "unknown apiVersion %q: want %s for a Katib Experiment", av.Value.Value, KatibAPIVersion)
	}
	kf, ok := top["kind"]
	if !ok {
		return nil, p.Errorf(doc, "kind is missing: want kind: Experiment")
	}
	if kind, err := p.Str(kf.Value, "kind"); err != nil {
		return nil, err
	} else if kind != "Experiment" {
		return nil, p.Errorf(kf.Value, "kind is %q: want Experiment (kubectl mlexp reads Katib Experiments)", kind)
	}
	exp := &model.Experiment{Format: model.Katib}
	p.TemplatePath = "spec.trialTemplate.trialSpec"
	meta, err := p.Metadata(doc, top, exp, "metadata", "labels", "annotations")
	if err != nil {
		return nil, err
	}
	if _, ok := meta["labels"]; ok {
		exp.Warnings = append(exp.Warnings, p.Warnf(meta["labels"].KeyN, "metadata.labels are not applied: there is no Experiment object here; label the trials' Jobs in trialSpec.metadata.labels"))
	}
	if _, ok := meta["annotations"]; ok {
		exp.Warnings = append(exp.Warnings, p.Warnf(meta["annotations"].KeyN, "metadata.annotations are not applied: there is no Experiment object here; annotate the trials' Jobs in trialSpec.metadata.annotations"))
	}
	sf, ok := top["spec"]
	if !ok {
		return nil, p.Errorf(doc, "spec is missing")
	}
	fs, err := p.Object(sf.Value, "spec", "parameters", "objective", "algorithm", "earlyStopping", "trialTemplate",
		"parallelTrialCount", "maxTrialCount", "maxFailedTrialCount", "metricsCollectorSpec", "nasConfig", "resumePolicy")
	if err != nil {
		return nil, err
	}
	spec := katibSpec(fs)
	if f, ok := spec["nasConfig"]; ok {
		return nil, p.Errorf(f.KeyN, "nasConfig is not supported: neural architecture search needs Katib's ENAS or DARTS services; kubectl mlexp runs grid and random searches over spec.parameters")
	}
	algo, err := p.katibAlgorithm(sf.KeyN, spec)
	if err != nil {
		return nil, err
	}
	if algo.warning != "" {
		exp.Warnings = append(exp.Warnings, algo.warning)
	}
	counts, err := p.katibCounts(spec)
	if err != nil {
		return nil, err
	}
	if err := p.checkResumePolicy(spec); err != nil {
		return nil, err
	}
	if exp.Space, err = p.katibSpace(sf.KeyN, spec, algo, counts.max); err != nil {
		return nil, err
	}
	if err := exp.Space.Validate(); err != nil {
		return nil, err
	}
	if algo.name == "grid" && counts.max.n > 0 {
		if n := exp.Space.Size(); counts.max.n > n {
			exp.Warnings = append(exp.Warnings, p.Warnf(counts.max.at, "maxTrialCount %d is more than the %d combinations of the grid: all %d run (Katib refuses such a file)", counts.max.n, n, n))
		}
	}
	if exp.Template, err = p.katibTemplate(sf.KeyN, spec, exp); err != nil {
		return nil, err
	}
	if exp.Results, err = p.katibResults(sf.KeyN, spec, exp); err != nil {
		return nil, err
	}
	if err := p.katibMetricsCollector(spec, &exp.Results); err != nil {
		return nil, err
	}
	exp.Parallel, exp.ParallelPos = counts.parallel.n, reader.PosOf(counts.parallel.at)
	exp.Warnings = append(exp.Warnings, p.katibIgnored(spec, counts)...)
	return exp, nil
}

// katibCount is one of the counts of a Katib spec and where it is written.
type katibCount struct {
	n  int
	at *yaml.Node
}

// katibCounts are spec's parallelTrialCount, maxTrialCount and
// maxFailedTrialCount.
type katibCounts struct {
	parallel, max, maxFailed katibCount
}

// katibCounts reads and checks the counts as Katib's webhook does.
func (p *parser) katibCounts(spec katibSpec) (katibCounts, error) {
	var c katibCounts
	for _, x := range []struct {
		key  string
		dst  *katibCount
		zero bool // 0 is allowed
	}{
		{"parallelTrialCount", &c.parallel, false},
		{"maxTrialCount", &c.max, false},
		{"maxFailedTrialCount", &c.maxFailed, true},
	} {
		f, ok := spec[x.key]
		if !ok {
			continue
		}
		n, err := p.Integer(f.Value, x.key)
		if err != nil {
			return c, err
		}
		switch {
		case n < 0 && x.zero:
			return c, p.Errorf(f.Value, "%s must not be negative, got %d", x.key, n)
		case n <= 0 && !x.zero:
			return c, p.Errorf(f.Value, "%s must be greater than 0, got %d", x.key, n)
		case n > 1<<31-1:
			return c, p.Errorf(f.Value, "%s %d is out of range", x.key, n)
		}
		*x.dst = katibCount{n: int(n), at: f.Value}
	}
	if c.max.n > 0 {
		for _, x := range []struct {
			key string
			c   katibCount
		}{{"maxFailedTrialCount", c.maxFailed}, {"parallelTrialCount", c.parallel}} {
			if x.c.n > c.max.n {
				return c, p.Errorf(x.c.at, "%s %d must not be greater than maxTrialCount %d", x.key, x.c.n, c.max.n)
			}
		}
	}
	return c, nil
}

// katibIgnored returns one warning for each reader.Field of the spec whose meaning
// needs Katib's controller, so that nothing is dropped silently.
// parallelTrialCount is submit's to report: it depends on --queue.
func (p *parser) katibIgnored(spec katibSpec, c katibCounts) []string {
	var out []string
	if c.maxFailed.at != nil {
		out = append(out, p.Warnf(c.maxFailed.at, "maxFailedTrialCount %d is not enforced: every trial runs whatever the others do (see `kubectl mlexp status` for failures)", c.maxFailed.n))
	}
	if f, ok := spec["earlyStopping"]; ok {
		name := ""
		if fs, err := p.Mapping(f.Value, "earlyStopping"); err == nil {
			for _, kv := range fs {
				if kv.Key == "algorithmName" {
					name = " (" + kv.Value.Value + ")"
				}
			}
		}
		out = append(out, p.Warnf(f.KeyN, "earlyStopping%s is not enforced: every trial runs to its end", name))
	}
	if f, ok := spec["resumePolicy"]; ok && f.Value.Value != "Never" {
		out = append(out, p.Warnf(f.KeyN, "resumePolicy %s has no meaning here: there is no suggestion service to resume; re-submitting the file is idempotent", f.Value.Value))
	}
	return out
}

// katibResumePolicies are the values Katib accepts for spec.resumePolicy.
var katibResumePolicies = []string{"Never", "LongRunning", "FromVolume"}

// checkResumePolicy refuses a resumePolicy Katib does not know.
func (p *parser) checkResumePolicy(spec katibSpec) error {
	f, ok := spec["resumePolicy"]
	if !ok {
		return nil
	}
	v, err := p.Str(f.Value, "resumePolicy")
	if err != nil {
		return err
	}
	if !reader.Contains(katibResumePolicies, v) {
		return p.Errorf(f.Value, "resumePolicy %q: want Never, LongRunning or FromVolume%s", v, reader.Hint(v, katibResumePolicies))
	}
	return nil
}

// katibAlgorithm is the search algorithm of a Katib file.
type katibAlgorithm struct {
	name    string
	at      *yaml.Node
	seed    uint64 // algorithmSettings' random_state; 0 when unset
	warning string // what a setting asks that is not done, "" for nothing
}

// katibAlgorithm reads spec.algorithm: grid or random, and random_state.
func (p *parser) katibAlgorithm(specKey *yaml.Node, spec katibSpec) (katibAlgorithm, error) {
	var a katibAlgorithm
	f, ok := spec["algorithm"]
	if !ok {
		return a, p.Errorf(specKey, "spec.algorithm is missing: want algorithmName grid or random")
	}
	fs, err := p.Object(f.Value, "spec.algorithm", "algorithmName", "algorithmSettings")
	if err != nil {
		return a, err
	}
	nf, ok := fs["algorithmName"]
	if !ok {
		return a, p.Errorf(f.KeyN, "spec.algorithm.algorithmName is missing: want grid or random")
	}
	if a.name, err = p.Str(nf.Value, "algorithmName"); err != nil {
		return a, err
	}
	a.at = nf.Value
	if !reader.Contains(katibAlgorithms, a.name) {
		return a, p.Errorf(nf.Value, "algorithm %q is not supported: kubectl mlexp runs grid and random searches (the others need Katib's suggestion services, which learn from finished trials)", a.name)
	}
	sf, ok := fs["algorithmSettings"]
	if !ok {
		return a, nil
	}
	items, err := p.Sequence(sf.Value, "algorithmSettings")
	if err != nil {
		return a, err
	}
	for _, it := range items {
		s, err := p.Object(it, "algorithmSettings item", "name", "value")
		if err != nil {
			return a, err
		}
		nf, ok1 := s["name"]
		vf, ok2 := s["value"]
		if !ok1 || !ok2 {
			return a, p.Errorf(it, "algorithmSettings: each setting needs a name and a value")
		}
		name, err := p.Str(nf.Value, "algorithmSettings name")
		if err != nil {
			return a, err
		}
		if name != "random_state" {
			return a, p.Errorf(nf.Value, "unknown setting %q for algorithm %s: Katib's %s knows random_state", name, a.name, a.name)
		}
		n, ok := parseInt(vf.Value)
		if !ok || n < 0 {
			return a, p.Errorf(vf.Value, "random_state must be an integer of at least 0, got %s", reader.Describe(vf.Value))
		}
		a.seed = uint64(n)
		if a.name == "grid" {
			a.warning = p.Warnf(vf.Value, "random_state has no effect on grid: trials run in the grid's order (Katib's grid only shuffles them)")
		}
	}
	return a, nil
}

// parseInt reads an integer scalar, quoted or not, as Katib writes them.
func parseInt(n *yaml.Node) (int64, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
	return v, err == nil
}
