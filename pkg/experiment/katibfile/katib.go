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
type parser struct {
	*reader.Reader
	paramsAt *yaml.Node // the key spec.parameters
}

// Read reads the Katib Experiment doc, a mapping, with r.
func Read(r *reader.Reader, doc *yaml.Node) (*model.Experiment, error) {
	return (&parser{Reader: r}).katib(doc)
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
	stop, err := p.katibEarlyStopping(spec)
	if err != nil {
		return nil, err
	}
	adaptive := !reader.Contains(katibAlgorithms, algo.name) || stop != nil || p.Opts.Drive
	if !adaptive {
		w, err := p.checkAllAtOnce(algo)
		if err != nil {
			return nil, err
		}
		if w != "" {
			exp.Warnings = append(exp.Warnings, w)
		}
	}
	counts, err := p.katibCounts(spec)
	if err != nil {
		return nil, err
	}
	if err := p.checkResumePolicy(spec); err != nil {
		return nil, err
	}
	ps, err := p.katibParams(sf.KeyN, spec)
	if err != nil {
		return nil, err
	}
	if adaptive {
		if exp.Search, err = p.katibSearch(exp.Name, algo, stop, counts, ps); err != nil {
			return nil, err
		}
		exp.Space, err = exp.Search.FirstBatch(p.File)
	} else {
		exp.Space, err = p.katibSpace(ps, algo, counts.max)
	}
	if err != nil {
		return nil, err
	}
	if err := exp.Space.Validate(); err != nil {
		return nil, err
	}
	if !adaptive && algo.name == "grid" && counts.max.n > 0 {
		if n := exp.Space.Size(); counts.max.n > n {
			exp.Warnings = append(exp.Warnings, p.Warnf(counts.max.at, "maxTrialCount %d is more than the %d combinations of the grid: all %d run (Katib refuses such a file)", counts.max.n, n, n))
		}
	}
	if exp.Template, err = p.katibTemplate(sf.KeyN, spec, exp); err != nil {
		return nil, err
	}
	strategies, err := p.katibResults(sf.KeyN, spec, exp)
	if err != nil {
		return nil, err
	}
	if err := p.katibMetricsCollector(spec, &exp.Results); err != nil {
		return nil, err
	}
	if exp.Search != nil {
		exp.Search.Objective = objective(exp.Results, strategies)
		return exp, nil // the driver enforces the counts and early stopping
	}
	exp.Warnings = append(exp.Warnings, p.strategyWarnings(strategies)...)
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
	name     string
	at       *yaml.Node
	settings []katibSetting
	seed     uint64 // algorithmSettings' random_state; 0 when unset
	seedSet  bool
}

// katibSetting is one item of algorithmSettings.
type katibSetting struct {
	name, value string
	nameAt      *yaml.Node
	valueAt     *yaml.Node
}

// katibAlgorithm reads spec.algorithm: its name and settings.
func (p *parser) katibAlgorithm(specKey *yaml.Node, spec katibSpec) (katibAlgorithm, error) {
	var a katibAlgorithm
	f, ok := spec["algorithm"]
	if !ok {
		return a, p.Errorf(specKey, "spec.algorithm is missing: want algorithmName (grid, random, tpe, ...)")
	}
	fs, err := p.Object(f.Value, "spec.algorithm", "algorithmName", "algorithmSettings")
	if err != nil {
		return a, err
	}
	nf, ok := fs["algorithmName"]
	if !ok {
		return a, p.Errorf(f.KeyN, "spec.algorithm.algorithmName is missing: want grid, random, tpe, ...")
	}
	if a.name, err = p.Str(nf.Value, "algorithmName"); err != nil {
		return a, err
	}
	a.at = nf.Value
	if sf, ok := fs["algorithmSettings"]; ok {
		if a.settings, err = p.katibSettings(sf.Value, "algorithmSettings"); err != nil {
			return a, err
		}
	}
	for _, s := range a.settings {
		if s.name != "random_state" {
			continue
		}
		n, ok := parseInt(s.valueAt)
		if !ok || n < 0 {
			return a, p.Errorf(s.valueAt, "random_state must be an integer of at least 0, got %s", reader.Describe(s.valueAt))
		}
		a.seed, a.seedSet = uint64(n), true
	}
	return a, nil
}

// checkAllAtOnce checks the algorithm of a search whose trials are all
// created at once: grid or random, whose one setting is random_state. It
// returns a warning for what a setting asks that is not done, or "".
func (p *parser) checkAllAtOnce(a katibAlgorithm) (string, error) {
	if !reader.Contains(katibAlgorithms, a.name) {
		return "", p.Errorf(a.at, "algorithm %q is not supported: kubectl mlexp runs grid and random searches (the others need Katib's suggestion services, which learn from finished trials)", a.name)
	}
	for _, s := range a.settings {
		if s.name != "random_state" {
			return "", p.Errorf(s.nameAt, "unknown setting %q for algorithm %s: Katib's %s knows random_state", s.name, a.name, a.name)
		}
		if a.name == "grid" {
			return p.Warnf(s.valueAt, "random_state has no effect on grid: trials run in the grid's order (Katib's grid only shuffles them)"), nil
		}
	}
	return "", nil
}

// katibSettings reads a list of {name, value} settings; values are
// strings, as Katib's API has them, or plain numbers and bools.
func (p *parser) katibSettings(n *yaml.Node, what string) ([]katibSetting, error) {
	items, err := p.Sequence(n, what)
	if err != nil {
		return nil, err
	}
	var out []katibSetting
	seen := map[string]int{}
	for _, it := range items {
		s, err := p.Object(it, what+" item", "name", "value")
		if err != nil {
			return nil, err
		}
		nf, ok1 := s["name"]
		vf, ok2 := s["value"]
		if !ok1 || !ok2 {
			return nil, p.Errorf(it, "%s: each setting needs a name and a value", what)
		}
		name, err := p.Str(nf.Value, what+" name")
		if err != nil {
			return nil, err
		}
		if line, dup := seen[name]; dup {
			return nil, p.Errorf(nf.Value, "%s: %q is set twice (first at line %d)", what, name, line)
		}
		seen[name] = nf.Value.Line
		if vf.Value.Kind != yaml.ScalarNode || vf.Value.ShortTag() == "!!null" {
			return nil, p.Errorf(vf.Value, "%s %s: want a string, got %s", what, name, reader.Describe(vf.Value))
		}
		out = append(out, katibSetting{name: name, value: vf.Value.Value, nameAt: nf.Value, valueAt: vf.Value})
	}
	return out, nil
}

// parseInt reads an integer scalar, quoted or not, as Katib writes them.
func parseInt(n *yaml.Node) (int64, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
	return v, err == nil
}
