package katibfile

import (
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// katibEarlyStopping reads spec.earlyStopping; nil when the file has none.
func (p *parser) katibEarlyStopping(spec katibSpec) (*model.EarlyStopping, error) {
	f, ok := spec["earlyStopping"]
	if !ok {
		return nil, nil
	}
	fs, err := p.Object(f.Value, "spec.earlyStopping", "algorithmName", "algorithmSettings")
	if err != nil {
		return nil, err
	}
	nf, ok := fs["algorithmName"]
	if !ok {
		return nil, p.Errorf(f.KeyN, "spec.earlyStopping.algorithmName is missing: want one of %s", known(search.Stoppers()))
	}
	es := &model.EarlyStopping{Pos: reader.PosOf(nf.Value)}
	if es.Algorithm, err = p.Str(nf.Value, "earlyStopping.algorithmName"); err != nil {
		return nil, err
	}
	if sf, ok := fs["algorithmSettings"]; ok {
		settings, err := p.katibSettings(sf.Value, "earlyStopping.algorithmSettings")
		if err != nil {
			return nil, err
		}
		es.Settings = settingsMap(settings)
	}
	if !reader.Contains(search.Stoppers(), es.Algorithm) {
		return nil, p.Errorf(nf.Value, "unknown early stopping algorithm %q: want one of %s%s", es.Algorithm, known(search.Stoppers()), reader.Hint(es.Algorithm, search.Stoppers()))
	}
	if _, err := search.NewStopper(search.StopperConfig{Algorithm: es.Algorithm, Settings: es.Settings}); err != nil {
		at := nf.Value
		if sf, ok := fs["algorithmSettings"]; ok && strings.Contains(err.Error(), "setting") {
			at = sf.KeyN
		}
		return nil, p.Errorf(at, "earlyStopping: %v", err)
	}
	return es, nil
}

// settingsMap returns settings by name; nil for none.
func settingsMap(settings []katibSetting) map[string]string {
	if len(settings) == 0 {
		return nil
	}
	m := make(map[string]string, len(settings))
	for _, s := range settings {
		m[s.name] = s.value
	}
	return m
}

// katibSearch builds the adaptive search of a Katib file: its algorithm
// and settings, checked by building the algorithm, the seed
// (random_state, else model.SeedOf the experiment's name), the parameters
// as a search space and the counts, with Katib's default
// parallelTrialCount. The objective is set once spec.objective is read.
func (p *parser) katibSearch(name string, algo katibAlgorithm, stop *model.EarlyStopping, c katibCounts, ps []katibParam) (*model.Search, error) {
	s := &model.Search{
		Algorithm:     algo.name,
		Settings:      settingsMap(algo.settings),
		Seed:          model.SeedOf(name),
		Parallel:      model.DefaultParallel,
		MaxTrials:     c.max.n,
		MaxFailed:     model.NoLimit,
		EarlyStopping: stop,
		Pos:           reader.PosOf(algo.at),
	}
	if algo.seedSet {
		s.Seed = algo.seed
	}
	if c.parallel.at != nil {
		s.Parallel = c.parallel.n
	}
	if c.maxFailed.at != nil {
		s.MaxFailed = c.maxFailed.n
	}
	for _, kp := range ps {
		s.Space = append(s.Space, p.searchParam(kp))
	}
	if !reader.Contains(search.Algorithms(), algo.name) {
		return nil, p.Errorf(algo.at, "unknown algorithm %q: want one of %s%s", algo.name, known(search.Algorithms()), reader.Hint(algo.name, search.Algorithms()))
	}
	if _, err := search.New(s.Config()); err != nil {
		at := algo.at
		for _, st := range algo.settings {
			if strings.Contains(err.Error(), st.name) {
				at = st.nameAt
			}
		}
		return nil, p.Errorf(at, "algorithm %s: %v", algo.name, err)
	}
	return s, nil
}

// searchTypes maps Katib's parameter types to search's.
var searchTypes = map[string]search.Type{"double": search.Double, "int": search.Int, "discrete": search.Discrete, "categorical": search.Categorical}

// searchDists maps Katib's distributions to search's; uniform is the default.
var searchDists = map[string]search.Distribution{"": search.Uniform, "uniform": search.Uniform, "logUniform": search.LogUniform, "normal": search.Normal, "logNormal": search.LogNormal}

// searchParam returns kp as a parameter of the search space.
func (p *parser) searchParam(kp katibParam) search.Param {
	sp := search.Param{Name: kp.name, Type: searchTypes[kp.typ], Dist: searchDists[kp.dist]}
	if kp.typ == "double" || kp.typ == "int" {
		sp.Min, _ = kp.min.r.Float64()
		sp.Max, _ = kp.max.r.Float64()
		if kp.step != nil {
			sp.Step, _ = kp.step.r.Float64()
		}
		return sp
	}
	for _, v := range p.listValues(kp) {
		sp.Choices = append(sp.Choices, v.V)
	}
	return sp
}

// objective returns the objective of an adaptive search: the results
// spec's metric, goal, target and columns, and every metric's strategy
// with Katib's defaults (the goal's, for a metric the file gives none).
func objective(r model.ResultsSpec, strategies []katibStrategy) model.Objective {
	o := model.Objective{Metric: r.Metric, Goal: search.Minimize, Target: r.Target, Additional: r.Columns, Strategies: map[string]string{}}
	if r.Goal == "max" {
		o.Goal = search.Maximize
	}
	for _, m := range append([]string{r.Metric}, r.Columns...) {
		o.Strategies[m] = model.DefaultStrategy(o.Goal)
	}
	for _, s := range strategies {
		for m := range o.Strategies {
			if logmetrics.NormalizeName(m) == logmetrics.NormalizeName(s.name) {
				o.Strategies[m] = s.value
			}
		}
	}
	return o
}

// known lists the names of a registry for a message.
func known(names []string) string {
	if len(names) == 0 {
		return "(none in this build)"
	}
	return strings.Join(names, ", ")
}
