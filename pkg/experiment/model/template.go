package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/subst"
	"github.com/mlexp/kubectl-mlexp/pkg/jsonstr"
)

// Template is an experiment's Job template, checked against batch/v1 Job
// and compiled against the experiment's parameters.
type Template struct {
	Root  *Node    // the Job: a mapping of metadata and spec
	Names []string // the parameters, in the order Str.Refs index them
	Used  []bool   // Used[i] reports whether the template references Names[i]
	Pos   Pos      // of the template in the file
}

// NodeKind is the kind of a template node.
type NodeKind uint8

// The kinds of template nodes.
const (
	MapNode     NodeKind = iota + 1 // Keys and Values
	ListNode                        // Values
	StringNode                      // Str, substituted
	LiteralNode                     // Literal JSON: number, bool or null
)

// Want is the JSON value the Job's Go type expects at a node.
type Want uint8

// The values a node may have to become.
const (
	WantAny         Want = iota // anything
	WantString                  // a string
	WantInt                     // an integer
	WantFloat                   // a number
	WantBool                    // true or false
	WantQuantity                // a resource quantity such as 500m or 6Gi
	WantIntOrString             // an integer, or a string (ports)
)

// Node is one value of the Job template.
type Node struct {
	Kind    NodeKind
	Want    Want
	Path    string         // field path in the Job, as in spec.template.spec.containers[0].image
	Pos     Pos            // where the file writes it; Line 0 for values the file does not write
	Keys    []string       // MapNode: the keys, in file order
	Values  []*Node        // MapNode: the value of each key; ListNode: the items
	Str     subst.Template // StringNode
	Literal string         // LiteralNode: JSON text
	Const   []byte         // JSON of the node when it references no parameter
}

// ValueError is an error in the value a node takes for one trial.
type ValueError struct {
	Node *Node
	Msg  string
}

// Error returns the path and message.
func (e *ValueError) Error() string { return "Job " + e.Node.Path + ": " + e.Msg }

// JSON renders the template as JSON for one trial: vals[i] is the text of
// parameter Names[i]. Strings standing where the Job wants an integer,
// a bool or a quantity are checked and converted; a *ValueError says
// which node failed.
func (t *Template) JSON(dst []byte, vals []string) ([]byte, error) {
	e := emitter{vals: vals, names: t.Names}
	return e.node(dst, t.Root)
}

// NodeAt returns the leaf node whose JSON, as JSON renders it for vals,
// spans byte offset off; nil when none does.
func (t *Template) NodeAt(vals []string, off int64) *Node {
	e := emitter{vals: vals, names: t.Names, track: true}
	if _, err := e.node(nil, t.Root); err != nil {
		return nil
	}
	var best *Node
	bestLen := math.MaxInt
	for _, s := range e.spans {
		if int64(s.start) < off && off <= int64(s.end) && s.end-s.start < bestLen {
			best, bestLen = s.node, s.end-s.start
		}
	}
	return best
}

// Lookup returns the node at a field path of the Job, or its deepest
// ancestor the template writes; nil when the template writes none.
func (t *Template) Lookup(path string) *Node {
	var best *Node
	var walk func(n *Node)
	walk = func(n *Node) {
		if n == nil {
			return
		}
		if n.Path == path {
			best = n
			return
		}
		if n.Path != "" && !strings.HasPrefix(path, n.Path+".") && !strings.HasPrefix(path, n.Path+"[") {
			return
		}
		if best == nil || len(n.Path) > len(best.Path) {
			best = n
		}
		for _, c := range n.Values {
			walk(c)
		}
	}
	walk(t.Root)
	return best
}

// span is the JSON byte range of one leaf node.
type span struct {
	start, end int
	node       *Node
}

// emitter writes template nodes as JSON.
type emitter struct {
	vals  []string
	names []string
	track bool
	spans []span
}

// node appends the JSON of n.
func (e *emitter) node(dst []byte, n *Node) ([]byte, error) {
	if n.Const != nil && !e.track {
		return append(dst, n.Const...), nil
	}
	var err error
	switch n.Kind {
	case MapNode:
		dst = append(dst, '{')
		for i, k := range n.Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonstr.Append(dst, k)
			dst = append(dst, ':')
			if dst, err = e.node(dst, n.Values[i]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case ListNode:
		dst = append(dst, '[')
		for i, c := range n.Values {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = e.node(dst, c); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	}
	start := len(dst)
	if n.Kind == LiteralNode {
		dst = append(dst, n.Literal...)
	} else if dst, err = e.str(dst, n); err != nil {
		return nil, err
	}
	if e.track {
		e.spans = append(e.spans, span{start, len(dst), n})
	}
	return dst, nil
}

// str appends the JSON of a string node, converted to what the Job wants.
func (e *emitter) str(dst []byte, n *Node) ([]byte, error) {
	s := n.Str.Apply(e.vals)
	switch n.Want {
	case WantInt:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, e.errorf(n, s, "an integer")
		}
		return strconv.AppendInt(dst, i, 10), nil
	case WantFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, e.errorf(n, s, "a number")
		}
		return strconv.AppendFloat(dst, f, 'g', -1, 64), nil
	case WantBool:
		if s != "true" && s != "false" {
			return nil, e.errorf(n, s, "true or false")
		}
		return append(dst, s...), nil
	case WantQuantity:
		if _, err := resource.ParseQuantity(s); err != nil {
			return nil, e.errorf(n, s, "a quantity such as 500m, 2 or 6Gi")
		}
	case WantIntOrString:
		if _, ok := n.Str.Single(); ok {
			if i, err := strconv.ParseInt(s, 10, 32); err == nil {
				return strconv.AppendInt(dst, i, 10), nil
			}
		}
	}
	return jsonstr.Append(dst, s), nil
}

// errorf returns the ValueError of a substituted value that is not what
// the Job wants.
func (e *emitter) errorf(n *Node, got, want string) error {
	from := ""
	if len(n.Str.Refs) > 0 {
		refs := make([]string, len(n.Str.Refs))
		for i, r := range n.Str.Refs {
			refs[i] = "${" + e.names[r] + "}"
		}
		from = " (from " + strings.Join(refs, ", ") + ")"
	}
	return &ValueError{Node: n, Msg: fmt.Sprintf("want %s, got %q%s", want, got, from)}
}

// SetConst records in Const the JSON of every subtree of n that references
// no parameter, so that rendering copies it; it reports whether n is constant.
func SetConst(n *Node) bool {
	constant := true
	switch n.Kind {
	case MapNode, ListNode:
		for _, c := range n.Values {
			if !SetConst(c) {
				constant = false
			}
		}
	case StringNode:
		constant = n.Str.IsConst()
	}
	if constant {
		e := emitter{}
		b, err := e.node(nil, n)
		if err != nil {
			return false // the value is checked again, with its position, when rendered
		}
		n.Const = b
	}
	return constant
}
