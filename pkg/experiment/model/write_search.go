package model

import (
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// searchNode writes spec.search: the algorithm, its settings and seed, the
// counts, the strategies that differ from the goal's, early stopping and
// the parameters. The objective itself is spec.results.
func searchNode(s *Search) *yaml.Node {
	n := mapNode("algorithm", strNode(s.Algorithm))
	if len(s.Settings) > 0 {
		addKV(n, "settings", settingsNode(s.Settings))
	}
	addKV(n, "seed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(s.Seed, 10)})
	addKV(n, "parallelTrials", intNode(int64(s.Parallel)))
	if s.MaxTrials > 0 {
		addKV(n, "maxTrials", intNode(int64(s.MaxTrials)))
	}
	if s.MaxFailed != NoLimit {
		addKV(n, "maxFailedTrials", intNode(int64(s.MaxFailed)))
	}
	strategies := flowMap()
	for _, m := range sortedKeys(s.Objective.Strategies) {
		if v := s.Objective.Strategies[m]; v != DefaultStrategy(s.Objective.Goal) {
			addKV(strategies, m, strNode(v))
		}
	}
	if len(strategies.Content) > 0 {
		addKV(n, "strategies", strategies)
	}
	if es := s.EarlyStopping; es != nil {
		e := flowMap("algorithm", strNode(es.Algorithm))
		if len(es.Settings) > 0 {
			addKV(e, "settings", settingsNode(es.Settings))
		}
		addKV(n, "earlyStopping", e)
	}
	ps := mapNode()
	for i := range s.Space {
		addKV(ps, s.Space[i].Name, paramNode(&s.Space[i]))
	}
	addKV(n, "params", ps)
	return n
}

// settingsNode writes settings as strings, in name order.
func settingsNode(m map[string]string) *yaml.Node {
	n := flowMap()
	for _, k := range sortedKeys(m) {
		addKV(n, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: m[k], Style: yaml.DoubleQuotedStyle})
	}
	return n
}

// paramNode writes one parameter of spec.search.params.
func paramNode(p *search.Param) *yaml.Node {
	switch p.Type {
	case search.Categorical, search.Discrete:
		kind := "choice"
		if p.Type == search.Discrete {
			kind = "discrete"
		}
		vals := make([]*yaml.Node, len(p.Choices))
		for i, c := range p.Choices {
			vals[i] = anyNode(c)
		}
		return flowMap(kind, flowSeq(vals...))
	}
	kind := p.Dist.String()
	intBounds := p.Type == search.Int
	if intBounds && p.Dist == search.Uniform {
		kind = "intUniform"
	}
	bound := func(f float64) *yaml.Node {
		if intBounds {
			return intNode(int64(f))
		}
		return floatNode(f)
	}
	n := flowMap(kind, flowSeq(bound(p.Min), bound(p.Max)))
	if p.Step > 0 {
		addKV(n, "step", floatNode(p.Step))
	}
	if intBounds && kind != "intUniform" {
		addKV(n, "type", strNode("int"))
	}
	return n
}

// anyNode writes a choice: a string, number or bool.
func anyNode(v any) *yaml.Node {
	switch x := v.(type) {
	case int64:
		return intNode(x)
	case float64:
		return floatNode(x)
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x}
	}
	return strNode("")
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
