package mlexpfile

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
	"github.com/mlexp/kubectl-mlexp/pkg/suggest"
)

// parameters parses spec.parameters into a space.
func (p *parser) parameters(pf reader.Field) (space.Space, error) {
	sp := space.Space{File: p.File, Pos: reader.PosOf(pf.KeyN)}
	fs, err := p.Object(pf.Value, "spec.parameters", "grid", "list", "random", "exclude", "include", "limit")
	if err != nil {
		return sp, err
	}
	if f, ok := fs["limit"]; ok {
		n, err := p.Integer(f.Value, "limit")
		if err != nil {
			return sp, err
		}
		if n < 1 || n > space.MaxTrials {
			return sp, p.Errorf(f.Value, "limit must be between 1 and %d, got %d", space.MaxTrials, n)
		}
		sp.Limit, sp.LimitPos = int(n), reader.PosOf(f.Value)
	}
	if f, ok := fs["grid"]; ok {
		if sp.Grid, err = p.grid(f.Value); err != nil {
			return sp, err
		}
	}
	if f, ok := fs["list"]; ok {
		if sp.List, err = p.rows(f, "list"); err != nil {
			return sp, err
		}
		if len(sp.List) == 0 {
			return sp, p.Errorf(f.Value, "list has no rows")
		}
	}
	if f, ok := fs["random"]; ok {
		if sp.Random, err = p.random(f); err != nil {
			return sp, err
		}
	}
	if f, ok := fs["exclude"]; ok {
		if sp.Exclude, err = p.excludes(f.Value); err != nil {
			return sp, err
		}
	}
	if f, ok := fs["include"]; ok {
		if sp.Include, err = p.rows(f, "include"); err != nil {
			return sp, err
		}
	}
	return sp, nil
}

// grid parses the grid: parameter name to list of values.
func (p *parser) grid(n *yaml.Node) ([]space.Axis, error) {
	fields, err := p.Mapping(n, "grid")
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, p.Errorf(n, "grid names no parameter")
	}
	axes := make([]space.Axis, 0, len(fields))
	for _, f := range fields {
		if err := p.paramName(f.KeyN); err != nil {
			return nil, err
		}
		items, err := p.Sequence(f.Value, "grid axis "+reader.Quote(f.Key))
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return nil, p.Errorf(f.Value, "grid axis %q has no values", f.Key)
		}
		a := space.Axis{Name: f.Key, Pos: reader.PosOf(f.KeyN), Values: make([]space.Value, 0, len(items))}
		for _, it := range items {
			v, err := p.Value(it, f.Key)
			if err != nil {
				return nil, err
			}
			a.Values = append(a.Values, v)
		}
		axes = append(axes, a)
	}
	return axes, nil
}

// rows parses a list of rows (list or include).
func (p *parser) rows(f reader.Field, what string) ([]space.Row, error) {
	items, err := p.Sequence(f.Value, what)
	if err != nil {
		return nil, err
	}
	rows := make([]space.Row, 0, len(items))
	for _, it := range items {
		fields, err := p.Mapping(it, what+" row")
		if err != nil {
			return nil, err
		}
		if len(fields) == 0 {
			return nil, p.Errorf(it, "%s row names no parameter", what)
		}
		r := space.Row{Pos: reader.PosOf(it), Names: make([]string, 0, len(fields)), Values: make([]space.Value, 0, len(fields))}
		for _, kv := range fields {
			if err := p.paramName(kv.KeyN); err != nil {
				return nil, err
			}
			v, err := p.Value(kv.Value, kv.Key)
			if err != nil {
				return nil, err
			}
			r.Names = append(r.Names, kv.Key)
			r.Values = append(r.Values, v)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// excludes parses exclude rules: each maps parameters to a value or a
// list of values.
func (p *parser) excludes(n *yaml.Node) ([]space.Match, error) {
	items, err := p.Sequence(n, "exclude")
	if err != nil {
		return nil, err
	}
	var out []space.Match
	for _, it := range items {
		fields, err := p.Mapping(it, "exclude rule")
		if err != nil {
			return nil, err
		}
		if len(fields) == 0 {
			return nil, p.Errorf(it, "exclude rule names no parameter")
		}
		m := space.Match{Pos: reader.PosOf(it)}
		for _, kv := range fields {
			if err := p.paramName(kv.KeyN); err != nil {
				return nil, err
			}
			vals := []*yaml.Node{kv.Value}
			if kv.Value.Kind == yaml.SequenceNode {
				vals = kv.Value.Content
				if len(vals) == 0 {
					return nil, p.Errorf(kv.Value, "exclude lists no value for %q", kv.Key)
				}
			}
			var vs []space.Value
			for _, vn := range vals {
				v, err := p.Value(vn, kv.Key)
				if err != nil {
					return nil, err
				}
				vs = append(vs, v)
			}
			m.Names = append(m.Names, kv.Key)
			m.Values = append(m.Values, vs)
		}
		out = append(out, m)
	}
	return out, nil
}

// distributions maps the keys of random.params entries to their kinds.
var distributions = []string{string(space.Uniform), string(space.LogUniform), string(space.IntUniform), string(space.Choice)}

// random parses random sampling.
func (p *parser) random(f reader.Field) (*space.Random, error) {
	fs, err := p.Object(f.Value, "random", "count", "seed", "digits", "params")
	if err != nil {
		return nil, err
	}
	r := &space.Random{Pos: reader.PosOf(f.KeyN)}
	cf, ok := fs["count"]
	if !ok {
		return nil, p.Errorf(f.KeyN, "random.count is missing: say how many samples to draw")
	}
	count, err := p.Integer(cf.Value, "random.count")
	if err != nil {
		return nil, err
	}
	if count < 1 || count > space.MaxTrials {
		return nil, p.Errorf(cf.Value, "random.count must be between 1 and %d", space.MaxTrials)
	}
	r.Count = int(count)
	if sf, ok := fs["seed"]; ok {
		seed, err := p.Integer(sf.Value, "random.seed")
		if err != nil {
			return nil, err
		}
		if seed < 0 {
			return nil, p.Errorf(sf.Value, "random.seed must not be negative")
		}
		r.Seed = uint64(seed)
	}
	if df, ok := fs["digits"]; ok {
		d, err := p.Integer(df.Value, "random.digits")
		if err != nil {
			return nil, err
		}
		if d < 1 || d > 17 {
			return nil, p.Errorf(df.Value, "random.digits must be between 1 and 17")
		}
		r.Digits = int(d)
	}
	pf, ok := fs["params"]
	if !ok {
		return nil, p.Errorf(f.KeyN, "random.params is missing: give each sampled parameter a distribution")
	}
	params, err := p.Mapping(pf.Value, "random.params")
	if err != nil {
		return nil, err
	}
	if len(params) == 0 {
		return nil, p.Errorf(pf.Value, "random.params names no parameter")
	}
	for _, kv := range params {
		if err := p.paramName(kv.KeyN); err != nil {
			return nil, err
		}
		d, err := p.dist(kv)
		if err != nil {
			return nil, err
		}
		r.Params = append(r.Params, d)
	}
	return r, nil
}

// dist parses one distribution: {uniform: [lo, hi]}, {logUniform: [lo, hi]},
// {intUniform: [lo, hi]} or {choice: [values...]}.
func (p *parser) dist(kv reader.Field) (space.Dist, error) {
	d := space.Dist{Name: kv.Key, Pos: reader.PosOf(kv.KeyN)}
	fields, err := p.Mapping(kv.Value, "random.params."+kv.Key)
	if err != nil {
		return d, err
	}
	if len(fields) != 1 {
		return d, p.Errorf(kv.Value, "random.params.%s: want exactly one of uniform, logUniform, intUniform or choice", kv.Key)
	}
	f := fields[0]
	if !reader.Contains(distributions, f.Key) {
		hint := ""
		if c := suggest.Closest(f.Key, distributions); c != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", c)
		}
		return d, p.Errorf(f.KeyN, "unknown distribution %q for %q: want uniform, logUniform, intUniform or choice%s", f.Key, kv.Key, hint)
	}
	d.Kind = space.Kind(f.Key)
	items, err := p.Sequence(f.Value, f.Key+" of "+reader.Quote(kv.Key))
	if err != nil {
		return d, err
	}
	if d.Kind == space.Choice {
		if len(items) == 0 {
			return d, p.Errorf(f.Value, "choice of %q has no values", kv.Key)
		}
		for _, it := range items {
			v, err := p.Value(it, kv.Key)
			if err != nil {
				return d, err
			}
			d.Choices = append(d.Choices, v)
		}
		return d, nil
	}
	if len(items) != 2 {
		return d, p.Errorf(f.Value, "%s of %q: want [low, high], got %d values", f.Key, kv.Key, len(items))
	}
	bound := p.Number
	if d.Kind == space.IntUniform {
		bound = func(n *yaml.Node, what string) (float64, error) {
			i, err := p.Integer(n, what)
			return float64(i), err
		}
	}
	if d.Min, err = bound(items[0], f.Key+" of "+reader.Quote(kv.Key)); err != nil {
		return d, err
	}
	if d.Max, err = bound(items[1], f.Key+" of "+reader.Quote(kv.Key)); err != nil {
		return d, err
	}
	return d, nil
}

// paramName checks that the key k is a valid parameter name.
func (p *parser) paramName(k *yaml.Node) error {
	if !params.ValidName(k.Value) {
		return p.Errorf(k, "invalid parameter name %q: want %s", k.Value, params.NameRule)
	}
	if k.Value == "env" {
		return p.Errorf(k, "parameter name \"env\" is reserved for ${env.NAME}")
	}
	return nil
}
