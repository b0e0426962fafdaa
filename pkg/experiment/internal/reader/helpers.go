package reader

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/suggest"
)

// Warnf formats a warning about the file at n, as FILE:LINE: MESSAGE.
func (p *Reader) Warnf(n *yaml.Node, format string, args ...any) string {
	if n == nil || n.Line == 0 {
		return p.File + ": " + fmt.Sprintf(format, args...)
	}
	return fmt.Sprintf("%s:%d: ", p.File, n.Line) + fmt.Sprintf(format, args...)
}

// Hint returns ` (did you mean "x"?)` for the known word closest to s.
func Hint(s string, known []string) string {
	if c := suggest.Closest(s, known); c != "" {
		return " (did you mean " + Quote(c) + "?)"
	}
	return ""
}

// MapGet returns the value of key in mapping n, or nil.
func MapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// MapSet returns the mapping under key in mapping n, adding an empty one
// first in n when n has none (metadata reads before spec); nil when n is
// not a mapping or key holds something else.
func MapSet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	if v := MapGet(n, key); v != nil {
		if v.Kind != yaml.MappingNode {
			return nil
		}
		return v
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	n.Content = append([]*yaml.Node{StrNode(key), v}, n.Content...)
	return v
}

// SeqItems returns the items of sequence n, or nil.
func SeqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// StrNode returns a string scalar.
func StrNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// Quote returns s in double quotes.
func Quote(s string) string { return `"` + s + `"` }
