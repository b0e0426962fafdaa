package model

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/subst"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// formatNames describe the formats in the comment MarshalNative writes.
var formatNames = map[Format]string{Native: "an mlexp experiment file", Seed: "the blog post's experiments.yaml (list format)", Katib: "a Katib Experiment"}

// ParallelWarning says that a Katib file's parallelTrialCount is not
// enforced and how to cap the trials running at once, unless they are
// queued (Kueue then admits them by the queue's quota); "" for nothing.
func (e *Experiment) ParallelWarning(queued bool) string {
	if e.Parallel == 0 || queued {
		return ""
	}
	return fmt.Sprintf("%s:%d: parallelTrialCount %d is not enforced: every trial is created at once; cap it with --queue LOCALQUEUE (Kueue) or --suspend and `kubectl mlexp resume %s --count %d`",
		e.File, e.ParallelPos.Line, e.Parallel, e.Name, e.Parallel)
}

// MarshalNative writes exp in the mlexp format (YAML), which Parse reads back to
// the same trials and Jobs: the parameter space as grid, list, random,
// exclude, include and limit, the Job template with every parameter written
// ${name}, and the results spec. notes become comments at the top (what the
// source file asked that the mlexp format cannot say). Environment variables
// the source file read are written out as they were read.
func MarshalNative(exp *Experiment, notes []string) ([]byte, error) {
	root := mapNode()
	meta := mapNode("name", strNode(exp.Name))
	if exp.Namespace != "" {
		addKV(meta, "namespace", strNode(exp.Namespace))
	}
	spec := mapNode()
	if exp.Search != nil {
		addKV(spec, "search", searchNode(exp.Search))
	} else {
		params, err := nativeSpace(&exp.Space)
		if err != nil {
			return nil, err
		}
		addKV(spec, "parameters", params)
	}
	addKV(spec, "template", templateNode(&exp.Template, exp.Template.Root))
	if r := resultsNode(exp.Results); r != nil {
		addKV(spec, "results", r)
	}
	if exp.Queue != "" {
		addKV(spec, "queue", strNode(exp.Queue))
	}
	addKV(root, "apiVersion", strNode(APIVersion), "kind", strNode(Kind), "metadata", meta, "spec", spec)
	var head []string
	if exp.File != "" {
		head = append(head, fmt.Sprintf("Converted by kubectl mlexp convert from %s, %s.", exp.File, formatNames[exp.Format]))
	}
	if len(notes) > 0 {
		head = append(head, "Not carried over:")
		for _, n := range notes {
			head = append(head, "  "+n)
		}
	}
	root.HeadComment = strings.Join(head, "\n")
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// nativeSpace writes spec.parameters.
func nativeSpace(s *space.Space) (*yaml.Node, error) {
	n := mapNode()
	if len(s.Grid) > 0 {
		g := mapNode()
		for _, a := range s.Grid {
			addKV(g, a.Name, flowSeq(valueNodes(a.Values)...))
		}
		addKV(n, "grid", g)
	}
	if len(s.List) > 0 {
		addKV(n, "list", rowsNode(s.List))
	}
	if r := s.Random; r != nil {
		ps := mapNode()
		for _, d := range r.Params {
			var dist *yaml.Node
			switch d.Kind {
			case space.Choice:
				dist = flowMap(string(d.Kind), flowSeq(valueNodes(d.Choices)...))
			case space.IntUniform:
				dist = flowMap(string(d.Kind), flowSeq(intNode(int64(d.Min)), intNode(int64(d.Max))))
			case space.Uniform, space.LogUniform:
				dist = flowMap(string(d.Kind), flowSeq(floatNode(d.Min), floatNode(d.Max)))
			default:
				return nil, fmt.Errorf("random.params.%s: unknown distribution %q", d.Name, d.Kind)
			}
			addKV(ps, d.Name, dist)
		}
		rn := mapNode("count", intNode(int64(r.Count)), "seed", intNode(int64(r.Seed)))
		if r.Digits != 0 {
			addKV(rn, "digits", intNode(int64(r.Digits)))
		}
		addKV(rn, "params", ps)
		addKV(n, "random", rn)
	}
	if len(s.Exclude) > 0 {
		ex := &yaml.Node{Kind: yaml.SequenceNode}
		for _, m := range s.Exclude {
			rule := flowMap()
			for i, name := range m.Names {
				if len(m.Values[i]) == 1 {
					addKV(rule, name, valueNode(m.Values[i][0]))
				} else {
					addKV(rule, name, flowSeq(valueNodes(m.Values[i])...))
				}
			}
			ex.Content = append(ex.Content, rule)
		}
		addKV(n, "exclude", ex)
	}
	if len(s.Include) > 0 {
		addKV(n, "include", rowsNode(s.Include))
	}
	if s.Limit > 0 {
		addKV(n, "limit", intNode(int64(s.Limit)))
	}
	return n, nil
}

// rowsNode writes rows of list or include, one flow mapping each.
func rowsNode(rows []space.Row) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for _, r := range rows {
		m := flowMap()
		for i, name := range r.Names {
			addKV(m, name, valueNode(r.Values[i]))
		}
		n.Content = append(n.Content, m)
	}
	return n
}

// valueNodes writes parameter values.
func valueNodes(vals []space.Value) []*yaml.Node {
	out := make([]*yaml.Node, len(vals))
	for i, v := range vals {
		out[i] = valueNode(v)
	}
	return out
}

// valueNode writes a parameter value as its file wrote it, tagged with its
// type, so that it reads back as the same value with the same text.
func valueNode(v space.Value) *yaml.Node {
	switch v.V.(type) {
	case int64:
		if resolves(v.Text, "!!int") {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: v.Text}
		}
	case float64:
		if resolves(v.Text, "!!float") || resolves(v.Text, "!!int") {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: v.Text}
		}
	case bool:
		if resolves(v.Text, "!!bool") {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v.Text}
		}
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.Text}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.Text} // Parse never makes one
}

// resolves reports whether the plain scalar s reads as tag.
func resolves(s, tag string) bool {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil || len(n.Content) != 1 {
		return false
	}
	c := n.Content[0]
	return c.Kind == yaml.ScalarNode && c.ShortTag() == tag && c.Value == s
}

// templateNode writes a node of the Job template, each string with its
// parameters as ${name} and every other $ as $$.
func templateNode(t *Template, n *Node) *yaml.Node {
	switch n.Kind {
	case MapNode:
		m := mapNode()
		for i, k := range n.Keys {
			addKV(m, k, templateNode(t, n.Values[i]))
		}
		return m
	case ListNode:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range n.Values {
			s.Content = append(s.Content, templateNode(t, c))
		}
		return s
	case LiteralNode:
		switch {
		case n.Literal == "null":
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		case n.Literal == "true" || n.Literal == "false":
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: n.Literal}
		case strings.ContainsAny(n.Literal, ".eE"):
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: n.Literal}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: n.Literal}
	}
	var b strings.Builder
	b.WriteString(subst.Quote(n.Str.Lit[0]))
	for i, r := range n.Str.Refs {
		b.WriteString("${" + t.Names[r] + "}")
		b.WriteString(subst.Quote(n.Str.Lit[i+1]))
	}
	return strNode(b.String())
}

// resultsNode writes spec.results; nil when there is nothing to say.
func resultsNode(r ResultsSpec) *yaml.Node {
	if r.IsZero() {
		return nil
	}
	n := mapNode()
	if r.Metric != "" {
		addKV(n, "metric", strNode(r.Metric))
	}
	if r.Goal != "" {
		addKV(n, "goal", strNode(r.Goal))
	}
	if r.Target != nil {
		addKV(n, "target", floatNode(*r.Target))
	}
	for _, l := range []struct {
		key  string
		vals []string
	}{{"columns", r.Columns}, {"patterns", r.Patterns}, {"filters", r.Filters}} {
		if len(l.vals) == 0 {
			continue
		}
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, v := range l.vals {
			s.Content = append(s.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.SingleQuotedStyle})
		}
		addKV(n, l.key, s)
	}
	return n
}

// mapNode returns a block mapping of the key/value pairs kv.
func mapNode(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	addKV(n, kv...)
	return n
}

// flowMap is mapNode in flow style ({a: 1}).
func flowMap(kv ...any) *yaml.Node {
	n := mapNode(kv...)
	n.Style = yaml.FlowStyle
	return n
}

// addKV appends key/value pairs (string, *yaml.Node) to mapping n.
func addKV(n *yaml.Node, kv ...any) {
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, strNode(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
}

// flowSeq returns a sequence in flow style ([a, b]).
func flowSeq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: items}
}

func intNode(i int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(i, 10)}
}

func floatNode(f float64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(f, 'g', -1, 64)}
}

// strNode returns a string scalar.
func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}
