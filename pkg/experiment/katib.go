package experiment

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// KatibAPIVersion is the apiVersion of the Kubeflow Katib Experiment files
// that Parse reads.
const KatibAPIVersion = "kubeflow.org/v1beta1"

// katibAlgorithms are the algorithms a Katib file may name: grid and random
// run here; the others need Katib's suggestion services.
var katibAlgorithms = []string{"grid", "random"}

// isKatib reports whether the mapping doc says it is a Kubeflow resource.
func isKatib(doc *yaml.Node) bool {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Value == "apiVersion" && v.Kind == yaml.ScalarNode {
			return strings.HasPrefix(v.Value, "kubeflow.org/")
		}
	}
	return false
}

// katibSpec holds the fields of a Katib Experiment's spec by name.
type katibSpec map[string]field

// katib parses a Kubeflow Katib Experiment (kubeflow.org/v1beta1) into the
// same Experiment the native format gives: its parameters and algorithm
// become the space, trialTemplate.trialSpec the Job, and objective and
// metricsCollectorSpec the results spec. What needs Katib's controller is
// refused, or reported in Warnings when running without it is still sound.
func (p *parser) katib(doc *yaml.Node) (*Experiment, error) {
	top, err := p.object(doc, "the Katib Experiment", "apiVersion", "kind", "metadata", "spec")
	if err != nil {
		return nil, err
	}
	av := top["apiVersion"]
	if apiVersion, _ := p.str(av.Value, "apiVersion"); apiVersion != KatibAPIVersion {
		return nil, p.errorf(av.Value, "unknown apiVersion %q: want %s for a Katib Experiment", av.Value.Value, KatibAPIVersion)
	}
	kf, ok := top["kind"]
	if !ok {
		return nil, p.errorf(doc, "kind is missing: want kind: Experiment")
	}
	if kind, err := p.str(kf.Value, "kind"); err != nil {
		return nil, err
	} else if kind != "Experiment" {
		return nil, p.errorf(kf.Value, "kind is %q: want Experiment (kubectl mlexp reads Katib Experiments)", kind)
	}
	exp := &Experiment{Format: Katib}
	p.tmplPath = "spec.trialTemplate.trialSpec"
	meta, err := p.metadata(doc, top, exp, "metadata", "labels", "annotations")
	if err != nil {
		return nil, err
	}
	if _, ok := meta["labels"]; ok {
		exp.Warnings = append(exp.Warnings, p.warnf(meta["labels"].KeyN, "metadata.labels are not applied: there is no Experiment object here; label the trials' Jobs in trialSpec.metadata.labels"))
	}
	if _, ok := meta["annotations"]; ok {
		exp.Warnings = append(exp.Warnings, p.warnf(meta["annotations"].KeyN, "metadata.annotations are not applied: there is no Experiment object here; annotate the trials' Jobs in trialSpec.metadata.annotations"))
	}
	sf, ok := top["spec"]
	if !ok {
		return nil, p.errorf(doc, "spec is missing")
	}
	fs, err := p.object(sf.Value, "spec", "parameters", "objective", "algorithm", "earlyStopping", "trialTemplate",
		"parallelTrialCount", "maxTrialCount", "maxFailedTrialCount", "metricsCollectorSpec", "nasConfig", "resumePolicy")
	if err != nil {
		return nil, err
	}
	spec := katibSpec(fs)
	if f, ok := spec["nasConfig"]; ok {
		return nil, p.errorf(f.KeyN, "nasConfig is not supported: neural architecture search needs Katib's ENAS or DARTS services; kubectl mlexp runs grid and random searches over spec.parameters")
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
			exp.Warnings = append(exp.Warnings, p.warnf(counts.max.at, "maxTrialCount %d is more than the %d combinations of the grid: all %d run (Katib refuses such a file)", counts.max.n, n, n))
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
	exp.Parallel, exp.ParallelPos = counts.parallel.n, pos(counts.parallel.at)
	exp.Warnings = append(exp.Warnings, p.katibIgnored(spec, counts)...)
	return exp, nil
}

// warnf formats a warning about the file at n, as FILE:LINE: MESSAGE.
func (p *parser) warnf(n *yaml.Node, format string, args ...any) string {
	if n == nil || n.Line == 0 {
		return p.file + ": " + fmt.Sprintf(format, args...)
	}
	return fmt.Sprintf("%s:%d: ", p.file, n.Line) + fmt.Sprintf(format, args...)
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
		n, err := p.integer(f.Value, x.key)
		if err != nil {
			return c, err
		}
		switch {
		case n < 0 && x.zero:
			return c, p.errorf(f.Value, "%s must not be negative, got %d", x.key, n)
		case n <= 0 && !x.zero:
			return c, p.errorf(f.Value, "%s must be greater than 0, got %d", x.key, n)
		case n > 1<<31-1:
			return c, p.errorf(f.Value, "%s %d is out of range", x.key, n)
		}
		*x.dst = katibCount{n: int(n), at: f.Value}
	}
	if c.max.n > 0 {
		for _, x := range []struct {
			key string
			c   katibCount
		}{{"maxFailedTrialCount", c.maxFailed}, {"parallelTrialCount", c.parallel}} {
			if x.c.n > c.max.n {
				return c, p.errorf(x.c.at, "%s %d must not be greater than maxTrialCount %d", x.key, x.c.n, c.max.n)
			}
		}
	}
	return c, nil
}

// katibIgnored returns one warning for each field of the spec whose meaning
// needs Katib's controller, so that nothing is dropped silently.
// parallelTrialCount is submit's to report: it depends on --queue.
func (p *parser) katibIgnored(spec katibSpec, c katibCounts) []string {
	var out []string
	if c.maxFailed.at != nil {
		out = append(out, p.warnf(c.maxFailed.at, "maxFailedTrialCount %d is not enforced: every trial runs whatever the others do (see `kubectl mlexp status` for failures)", c.maxFailed.n))
	}
	if f, ok := spec["earlyStopping"]; ok {
		name := ""
		if fs, err := p.mapping(f.Value, "earlyStopping"); err == nil {
			for _, kv := range fs {
				if kv.Key == "algorithmName" {
					name = " (" + kv.Value.Value + ")"
				}
			}
		}
		out = append(out, p.warnf(f.KeyN, "earlyStopping%s is not enforced: every trial runs to its end", name))
	}
	if f, ok := spec["resumePolicy"]; ok && f.Value.Value != "Never" {
		out = append(out, p.warnf(f.KeyN, "resumePolicy %s has no meaning here: there is no suggestion service to resume; re-submitting the file is idempotent", f.Value.Value))
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
	v, err := p.str(f.Value, "resumePolicy")
	if err != nil {
		return err
	}
	if !contains(katibResumePolicies, v) {
		return p.errorf(f.Value, "resumePolicy %q: want Never, LongRunning or FromVolume%s", v, hint(v, katibResumePolicies))
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
		return a, p.errorf(specKey, "spec.algorithm is missing: want algorithmName grid or random")
	}
	fs, err := p.object(f.Value, "spec.algorithm", "algorithmName", "algorithmSettings")
	if err != nil {
		return a, err
	}
	nf, ok := fs["algorithmName"]
	if !ok {
		return a, p.errorf(f.KeyN, "spec.algorithm.algorithmName is missing: want grid or random")
	}
	if a.name, err = p.str(nf.Value, "algorithmName"); err != nil {
		return a, err
	}
	a.at = nf.Value
	if !contains(katibAlgorithms, a.name) {
		return a, p.errorf(nf.Value, "algorithm %q is not supported: kubectl mlexp runs grid and random searches (the others need Katib's suggestion services, which learn from finished trials)", a.name)
	}
	sf, ok := fs["algorithmSettings"]
	if !ok {
		return a, nil
	}
	items, err := p.sequence(sf.Value, "algorithmSettings")
	if err != nil {
		return a, err
	}
	for _, it := range items {
		s, err := p.object(it, "algorithmSettings item", "name", "value")
		if err != nil {
			return a, err
		}
		nf, ok1 := s["name"]
		vf, ok2 := s["value"]
		if !ok1 || !ok2 {
			return a, p.errorf(it, "algorithmSettings: each setting needs a name and a value")
		}
		name, err := p.str(nf.Value, "algorithmSettings name")
		if err != nil {
			return a, err
		}
		if name != "random_state" {
			return a, p.errorf(nf.Value, "unknown setting %q for algorithm %s: Katib's %s knows random_state", name, a.name, a.name)
		}
		n, ok := parseInt(vf.Value)
		if !ok || n < 0 {
			return a, p.errorf(vf.Value, "random_state must be an integer of at least 0, got %s", describe(vf.Value))
		}
		a.seed = uint64(n)
		if a.name == "grid" {
			a.warning = p.warnf(vf.Value, "random_state has no effect on grid: trials run in the grid's order (Katib's grid only shuffles them)")
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
