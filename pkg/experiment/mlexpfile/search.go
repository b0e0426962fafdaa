package mlexpfile

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// searchKinds are the keys of a spec.search.params entry that name its
// distribution: the distributions of random.params, Katib's normal and
// logNormal, and discrete (ordered numbers).
var searchKinds = []string{"uniform", "logUniform", "normal", "logNormal", "intUniform", "choice", "discrete"}

// searchDists maps the numeric kinds to search's distributions.
var searchDists = map[string]search.Distribution{"uniform": search.Uniform, "intUniform": search.Uniform, "logUniform": search.LogUniform, "normal": search.Normal, "logNormal": search.LogNormal}

// search parses spec.search: the adaptive search of an mlexp file. Its
// objective is spec.results' metric, goal, target and columns.
func (p *parser) search(f reader.Field, name string, r model.ResultsSpec) (*model.Search, error) {
	fs, err := p.Object(f.Value, "spec.search", "algorithm", "settings", "seed", "parallelTrials", "maxTrials", "maxFailedTrials", "strategies", "earlyStopping", "params")
	if err != nil {
		return nil, err
	}
	af, ok := fs["algorithm"]
	if !ok {
		return nil, p.Errorf(f.KeyN, "spec.search.algorithm is missing: want one of %s", strings.Join(search.Algorithms(), ", "))
	}
	s := &model.Search{Seed: model.SeedOf(name), Parallel: model.DefaultParallel, MaxFailed: model.NoLimit, Pos: reader.PosOf(af.Value)}
	if s.Algorithm, err = p.Str(af.Value, "search.algorithm"); err != nil {
		return nil, err
	}
	if !reader.Contains(search.Algorithms(), s.Algorithm) {
		return nil, p.Errorf(af.Value, "unknown algorithm %q: want one of %s%s", s.Algorithm, strings.Join(search.Algorithms(), ", "), reader.Hint(s.Algorithm, search.Algorithms()))
	}
	if sf, ok := fs["settings"]; ok {
		if s.Settings, err = p.settings(sf.Value, "search.settings"); err != nil {
			return nil, err
		}
	}
	for _, c := range []struct {
		key string
		dst *int
		min int64
	}{{"parallelTrials", &s.Parallel, 1}, {"maxTrials", &s.MaxTrials, 1}, {"maxFailedTrials", &s.MaxFailed, 0}} {
		if cf, ok := fs[c.key]; ok {
			n, err := p.Integer(cf.Value, "search."+c.key)
			if err != nil {
				return nil, err
			}
			if n < c.min || n > 1<<31-1 {
				return nil, p.Errorf(cf.Value, "search.%s must be between %d and %d, got %d", c.key, c.min, 1<<31-1, n)
			}
			*c.dst = int(n)
		}
	}
	if sf, ok := fs["seed"]; ok {
		n, err := p.Integer(sf.Value, "search.seed")
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, p.Errorf(sf.Value, "search.seed must not be negative")
		}
		s.Seed = uint64(n)
	}
	if r.Metric == "" || r.Goal == "" {
		return nil, p.Errorf(f.KeyN, "spec.search needs spec.results.metric and spec.results.goal: what the search optimizes")
	}
	s.Objective = model.Objective{Metric: r.Metric, Goal: search.Minimize, Target: r.Target, Additional: r.Columns, Strategies: map[string]string{}}
	if r.Goal == "max" {
		s.Objective.Goal = search.Maximize
	}
	for _, m := range append([]string{r.Metric}, r.Columns...) {
		s.Objective.Strategies[m] = model.DefaultStrategy(s.Objective.Goal)
	}
	if sf, ok := fs["strategies"]; ok {
		if err := p.strategies(sf.Value, s.Objective.Strategies); err != nil {
			return nil, err
		}
	}
	if ef, ok := fs["earlyStopping"]; ok {
		if s.EarlyStopping, err = p.earlyStopping(ef); err != nil {
			return nil, err
		}
	}
	pf, ok := fs["params"]
	if !ok {
		return nil, p.Errorf(f.KeyN, "spec.search.params is missing: give each parameter its range or choices")
	}
	if s.Space, err = p.searchParams(pf.Value); err != nil {
		return nil, err
	}
	if err := s.Check(); err != nil {
		at := af.Value
		if sf, ok := fs["settings"]; ok && strings.Contains(err.Error(), "setting") {
			at = sf.KeyN
		}
		return nil, p.Errorf(at, "search: %v", err)
	}
	return s, nil
}

// settings reads a mapping of setting names to scalars, kept as strings.
func (p *parser) settings(n *yaml.Node, what string) (map[string]string, error) {
	fields, err := p.Mapping(n, what)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(fields))
	for _, kv := range fields {
		if kv.Value.Kind != yaml.ScalarNode || kv.Value.ShortTag() == "!!null" {
			return nil, p.Errorf(kv.Value, "%s.%s: want a string or a number, got %s", what, kv.Key, reader.Describe(kv.Value))
		}
		out[kv.Key] = kv.Value.Value
	}
	return out, nil
}

// strategies reads search.strategies: metric to min, max or latest.
func (p *parser) strategies(n *yaml.Node, dst map[string]string) error {
	fields, err := p.Mapping(n, "search.strategies")
	if err != nil {
		return err
	}
	for _, kv := range fields {
		v, err := p.Str(kv.Value, "search.strategies."+kv.Key)
		if err != nil {
			return err
		}
		if !reader.Contains(model.Strategies, v) {
			return p.Errorf(kv.Value, "search.strategies.%s %q: want min, max or latest%s", kv.Key, v, reader.Hint(v, model.Strategies))
		}
		if _, ok := dst[kv.Key]; !ok {
			return p.Errorf(kv.KeyN, "search.strategies: %q is not results.metric or one of results.columns", kv.Key)
		}
		dst[kv.Key] = v
	}
	return nil
}

// earlyStopping reads search.earlyStopping: {algorithm, settings}.
func (p *parser) earlyStopping(f reader.Field) (*model.EarlyStopping, error) {
	fs, err := p.Object(f.Value, "search.earlyStopping", "algorithm", "settings")
	if err != nil {
		return nil, err
	}
	af, ok := fs["algorithm"]
	if !ok {
		return nil, p.Errorf(f.KeyN, "search.earlyStopping.algorithm is missing: want one of %s", strings.Join(search.Stoppers(), ", "))
	}
	es := &model.EarlyStopping{Pos: reader.PosOf(af.Value)}
	if es.Algorithm, err = p.Str(af.Value, "earlyStopping.algorithm"); err != nil {
		return nil, err
	}
	if !reader.Contains(search.Stoppers(), es.Algorithm) {
		return nil, p.Errorf(af.Value, "unknown early stopping algorithm %q: want one of %s", es.Algorithm, strings.Join(search.Stoppers(), ", "))
	}
	if sf, ok := fs["settings"]; ok {
		if es.Settings, err = p.settings(sf.Value, "earlyStopping.settings"); err != nil {
			return nil, err
		}
	}
	return es, nil
}

// searchParams reads search.params: name to {KIND: [low, high] or
// [values...], step: S, type: int}.
func (p *parser) searchParams(n *yaml.Node) (search.Space, error) {
	fields, err := p.Mapping(n, "search.params")
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, p.Errorf(n, "search.params names no parameter")
	}
	var sp search.Space
	for _, kv := range fields {
		if err := p.paramName(kv.KeyN); err != nil {
			return nil, err
		}
		what := "search.params." + kv.Key
		fs, err := p.Mapping(kv.Value, what)
		if err != nil {
			return nil, err
		}
		par := search.Param{Name: kv.Key}
		kind := ""
		var kindF reader.Field
		for _, f := range fs {
			switch {
			case reader.Contains(searchKinds, f.Key):
				if kind != "" {
					return nil, p.Errorf(f.KeyN, "%s: give one of %s, not both %s and %s", what, strings.Join(searchKinds, ", "), kind, f.Key)
				}
				kind, kindF = f.Key, f
			case f.Key == "step":
				if par.Step, err = p.Number(f.Value, what+".step"); err != nil {
					return nil, err
				}
				if par.Step <= 0 {
					return nil, p.Errorf(f.Value, "%s.step must be greater than 0", what)
				}
			case f.Key == "type":
				t, err := p.Str(f.Value, what+".type")
				if err != nil {
					return nil, err
				}
				if t != "int" && t != "double" {
					return nil, p.Errorf(f.Value, "%s.type %q: want int or double", what, t)
				}
				if t == "int" {
					par.Type = search.Int
				}
			default:
				return nil, p.Errorf(f.KeyN, "unknown field %q in %s: want one of %s, and step or type%s", f.Key, what, strings.Join(searchKinds, ", "), reader.Suggest(f.Key, append(searchKinds, "step", "type")))
			}
		}
		if kind == "" {
			return nil, p.Errorf(kv.Value, "%s: want one of %s", what, strings.Join(searchKinds, ", "))
		}
		items, err := p.Sequence(kindF.Value, kind+" of "+reader.Quote(kv.Key))
		if err != nil {
			return nil, err
		}
		if kind == "choice" || kind == "discrete" {
			par.Type = search.Categorical
			if kind == "discrete" {
				par.Type = search.Discrete
			}
			for _, it := range items {
				v, err := p.Value(it, kv.Key)
				if err != nil {
					return nil, err
				}
				if _, num := search.Float(v.V); kind == "discrete" && !num {
					return nil, p.Errorf(it, "discrete values of %q must be numbers, got %s", kv.Key, reader.Describe(it))
				}
				par.Choices = append(par.Choices, v.V)
			}
		} else {
			if len(items) != 2 {
				return nil, p.Errorf(kindF.Value, "%s of %q: want [low, high], got %d values", kind, kv.Key, len(items))
			}
			if par.Min, err = p.Number(items[0], kind+" of "+reader.Quote(kv.Key)); err != nil {
				return nil, err
			}
			if par.Max, err = p.Number(items[1], kind+" of "+reader.Quote(kv.Key)); err != nil {
				return nil, err
			}
			par.Dist = searchDists[kind]
			if kind == "intUniform" {
				par.Type = search.Int
			}
		}
		if err := (search.Space{par}).Validate(); err != nil {
			return nil, p.Errorf(kv.KeyN, "%s: %v", what, err)
		}
		sp = append(sp, par)
	}
	return sp, nil
}
