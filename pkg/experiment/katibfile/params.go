package katibfile

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// The parameter types and distributions of a Katib file.
var (
	katibTypes         = []string{"double", "int", "discrete", "categorical"}
	katibDistributions = []string{"uniform", "logUniform", "normal", "logNormal"}
)

// katibParam is one entry of a Katib file's spec.parameters.
type katibParam struct {
	name           string
	at             *yaml.Node // the entry
	nameAt         *yaml.Node
	typ            string
	min, max, step *decimal // double and int; step may be nil
	list           []*yaml.Node
	dist           string
	distAt         *yaml.Node
}

// decimal is a number a Katib file writes, exactly: min, max and step are
// strings such as "0.005", computed on without binary rounding.
type decimal struct {
	r  *big.Rat
	at *yaml.Node
}

// katibParams reads spec.parameters.
func (p *parser) katibParams(specKey *yaml.Node, spec katibSpec) ([]katibParam, error) {
	f, ok := spec["parameters"]
	if !ok {
		return nil, p.Errorf(specKey, "spec.parameters is missing: list the parameters to search")
	}
	p.paramsAt = f.KeyN
	items, err := p.Sequence(f.Value, "spec.parameters")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, p.Errorf(f.Value, "spec.parameters lists no parameter")
	}
	var ps []katibParam
	for _, it := range items {
		kp, err := p.katibParam(it)
		if err != nil {
			return nil, err
		}
		ps = append(ps, kp)
	}
	return ps, nil
}

// katibSpace returns the space of a search whose trials are all created
// at once: grid axes in file order (the first varies slowest), capped at
// maxTrialCount; or maxTrialCount random samples.
func (p *parser) katibSpace(ps []katibParam, algo katibAlgorithm, max katibCount) (space.Space, error) {
	sp := space.Space{File: p.File, Pos: reader.PosOf(p.paramsAt)}
	if algo.name == "grid" {
		for _, kp := range ps {
			vals, err := p.gridValues(kp)
			if err != nil {
				return sp, err
			}
			sp.Grid = append(sp.Grid, space.Axis{Name: kp.name, Values: vals, Pos: reader.PosOf(kp.nameAt)})
		}
		if max.n > 0 {
			sp.Limit, sp.LimitPos = max.n, reader.PosOf(max.at)
		}
		return sp, nil
	}
	if max.n == 0 {
		return sp, p.Errorf(algo.at, "random needs spec.maxTrialCount: how many samples to draw")
	}
	r := &space.Random{Count: max.n, Seed: algo.seed, Pos: reader.PosOf(algo.at)}
	for _, kp := range ps {
		d, err := p.randomDist(kp)
		if err != nil {
			return sp, err
		}
		r.Params = append(r.Params, d)
	}
	sp.Random = r
	return sp, nil
}

// katibParam reads one parameter: name, parameterType and feasibleSpace.
func (p *parser) katibParam(n *yaml.Node) (katibParam, error) {
	kp := katibParam{at: n}
	fs, err := p.Object(n, "parameter", "name", "parameterType", "feasibleSpace")
	if err != nil {
		return kp, err
	}
	nf, ok := fs["name"]
	if !ok {
		return kp, p.Errorf(n, "parameter has no name")
	}
	if kp.name, err = p.Str(nf.Value, "parameter name"); err != nil {
		return kp, err
	}
	kp.nameAt = nf.Value
	if !params.ValidName(kp.name) {
		return kp, p.Errorf(nf.Value, "invalid parameter name %q: want %s", kp.name, params.NameRule)
	}
	tf, ok := fs["parameterType"]
	if !ok {
		return kp, p.Errorf(n, "parameter %q has no parameterType: want double, int, discrete or categorical", kp.name)
	}
	if kp.typ, err = p.Str(tf.Value, "parameterType"); err != nil {
		return kp, err
	}
	if !reader.Contains(katibTypes, kp.typ) {
		return kp, p.Errorf(tf.Value, "parameterType %q of %q: want double, int, discrete or categorical%s", kp.typ, kp.name, reader.Hint(kp.typ, katibTypes))
	}
	sf, ok := fs["feasibleSpace"]
	if !ok {
		return kp, p.Errorf(n, "parameter %q has no feasibleSpace", kp.name)
	}
	fsp, err := p.Object(sf.Value, "feasibleSpace of "+reader.Quote(kp.name), "min", "max", "step", "list", "distribution")
	if err != nil {
		return kp, err
	}
	if df, ok := fsp["distribution"]; ok {
		if kp.dist, err = p.Str(df.Value, "distribution"); err != nil {
			return kp, err
		}
		kp.distAt = df.Value
		if !reader.Contains(katibDistributions, kp.dist) {
			return kp, p.Errorf(df.Value, "distribution %q of %q: want uniform, logUniform, normal or logNormal%s", kp.dist, kp.name, reader.Hint(kp.dist, katibDistributions))
		}
	}
	if kp.typ == "double" || kp.typ == "int" {
		return kp, p.katibRange(&kp, sf, fsp)
	}
	for _, k := range []string{"min", "max", "step"} {
		if f, ok := fsp[k]; ok {
			return kp, p.Errorf(f.KeyN, "feasibleSpace.%s does not apply to parameterType %s: give the values in feasibleSpace.list", k, kp.typ)
		}
	}
	lf, ok := fsp["list"]
	if !ok {
		return kp, p.Errorf(sf.KeyN, "feasibleSpace of %s parameter %q needs a list of values", kp.typ, kp.name)
	}
	if kp.list, err = p.Sequence(lf.Value, "feasibleSpace.list of "+reader.Quote(kp.name)); err != nil {
		return kp, err
	}
	if len(kp.list) == 0 {
		return kp, p.Errorf(lf.Value, "feasibleSpace.list of %q has no values", kp.name)
	}
	for _, it := range kp.list {
		if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
			return kp, p.Errorf(it, "value of %q: want a string or a number, got %s", kp.name, reader.Describe(it))
		}
	}
	return kp, nil
}

// katibRange reads min, max and step of a double or int parameter.
func (p *parser) katibRange(kp *katibParam, sf reader.Field, fs map[string]reader.Field) error {
	if f, ok := fs["list"]; ok {
		return p.Errorf(f.KeyN, "feasibleSpace.list does not apply to parameterType %s: give min and max (and step)", kp.typ)
	}
	for _, x := range []struct {
		key string
		dst **decimal
	}{{"min", &kp.min}, {"max", &kp.max}, {"step", &kp.step}} {
		f, ok := fs[x.key]
		if !ok {
			if x.key != "step" {
				return p.Errorf(sf.KeyN, "feasibleSpace of %s parameter %q needs min and max", kp.typ, kp.name)
			}
			continue
		}
		d, err := p.decimal(f.Value, "feasibleSpace."+x.key+" of "+reader.Quote(kp.name))
		if err != nil {
			return err
		}
		if kp.typ == "int" && !d.r.IsInt() {
			return p.Errorf(f.Value, "feasibleSpace.%s of int parameter %q: want an integer, got %q", x.key, kp.name, f.Value.Value)
		}
		*x.dst = &d
	}
	if kp.min.r.Cmp(kp.max.r) > 0 {
		return p.Errorf(kp.max.at, "feasibleSpace of %q: max %s is less than min %s", kp.name, kp.max.at.Value, kp.min.at.Value)
	}
	if kp.step != nil && kp.step.r.Sign() <= 0 {
		return p.Errorf(kp.step.at, "feasibleSpace.step of %q must be greater than 0, got %s", kp.name, kp.step.at.Value)
	}
	return nil
}

// maxExponent bounds the exponent of a number in min, max or step, so that
// computing on it exactly stays cheap.
const maxExponent = 400

// decimal reads a number written as a string or a plain scalar.
func (p *parser) decimal(n *yaml.Node, what string) (decimal, error) {
	bad := func() (decimal, error) {
		return decimal{}, p.Errorf(n, "%s: want a number, got %s", what, reader.Describe(n))
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.ShortTag() == "!!bool" {
		return bad()
	}
	s := strings.TrimSpace(n.Value)
	if len(s) > 64 {
		return bad()
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > maxExponent || e < -maxExponent {
			return bad()
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.HasPrefix(strings.ToLower(strings.TrimLeft(s, "+-")), "0x") {
		return bad()
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return bad()
	}
	return decimal{r: r, at: n}, nil
}

// rangeValues returns min, min+step, ... up to max, computed exactly, as
// Katib's grid does (range for int, numpy's arange for double, the last
// value dropped when above max). At most space.MaxTrials values.
func (p *parser) rangeValues(kp katibParam) ([]*big.Rat, error) {
	step := big.NewRat(1, 1)
	if kp.step != nil {
		step = kp.step.r
	}
	span := new(big.Rat).Sub(kp.max.r, kp.min.r)
	q := new(big.Rat).Quo(span, step)
	count := new(big.Int).Quo(q.Num(), q.Denom()) // floor: q >= 0
	if !count.IsInt64() || count.Int64() >= space.MaxTrials {
		return nil, p.Errorf(kp.at, "feasibleSpace of %q has more than %d values: raise step", kp.name, space.MaxTrials)
	}
	vals := make([]*big.Rat, 0, count.Int64()+1)
	for k := int64(0); k <= count.Int64(); k++ {
		v := new(big.Rat).Mul(step, big.NewRat(k, 1))
		vals = append(vals, v.Add(v, kp.min.r))
	}
	return vals, nil
}

// gridValues returns the values the grid takes for kp, in order.
func (p *parser) gridValues(kp katibParam) ([]space.Value, error) {
	switch kp.typ {
	case "categorical", "discrete":
		return p.listValues(kp), nil
	case "double":
		if kp.step == nil {
			return nil, p.Errorf(kp.max.at, "grid needs feasibleSpace.step for double parameter %q: a range without a step has no grid (Katib's rule)", kp.name)
		}
	}
	rs, err := p.rangeValues(kp)
	if err != nil {
		return nil, err
	}
	vals := make([]space.Value, len(rs))
	for i, r := range rs {
		vals[i] = kp.value(r)
	}
	return vals, nil
}

// randomDist returns the distribution random sampling draws kp from.
func (p *parser) randomDist(kp katibParam) (space.Dist, error) {
	d := space.Dist{Name: kp.name, Pos: reader.PosOf(kp.nameAt)}
	if kp.typ == "categorical" || kp.typ == "discrete" {
		d.Kind, d.Choices = space.Choice, p.listValues(kp)
		return d, nil
	}
	switch kp.dist {
	case "normal", "logNormal", "logUniform":
		// drawn by search.Sample, as an adaptive search draws them
		d.Kind = map[string]space.Kind{"normal": space.Normal, "logNormal": space.LogNormal, "logUniform": space.LogUniform}[kp.dist]
		d.Int = kp.typ == "int"
		if kp.step != nil {
			d.Step, _ = kp.step.r.Float64()
		}
	default:
		if kp.step != nil && !(kp.typ == "int" && kp.step.r.Cmp(big.NewRat(1, 1)) == 0) {
			// every value of the range equally likely
			rs, err := p.rangeValues(kp)
			if err != nil {
				return d, err
			}
			d.Kind = space.Choice
			for _, r := range rs {
				d.Choices = append(d.Choices, kp.value(r))
			}
			return d, nil
		}
		d.Kind = space.Uniform
		if kp.typ == "int" {
			d.Kind = space.IntUniform
		}
	}
	d.Min, _ = kp.min.r.Float64()
	d.Max, _ = kp.max.r.Float64()
	return d, nil
}

// listValues returns the values of a categorical or discrete parameter:
// strings, or for discrete the numbers they spell.
func (p *parser) listValues(kp katibParam) []space.Value {
	vals := make([]space.Value, len(kp.list))
	for i, it := range kp.list {
		v := space.Value{V: it.Value, Text: it.Value, Pos: reader.PosOf(it)}
		if kp.typ == "discrete" {
			s := strings.TrimSpace(it.Value)
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				v.V = n
			} else if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				v.V = f
			}
		}
		vals[i] = v
	}
	return vals
}

// value returns r as a value of kp: an integer, or a double written as
// Python prints a float (0.015, 1.0), as the program would see it from Katib.
func (kp katibParam) value(r *big.Rat) space.Value {
	at := reader.PosOf(kp.min.at)
	if kp.typ == "int" {
		n := r.Num().Int64()
		return space.Value{V: n, Text: strconv.FormatInt(n, 10), Pos: at}
	}
	f, _ := r.Float64()
	return space.Value{V: f, Text: model.FormatDouble(f), Pos: at}
}
