package reader

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
	"github.com/mlexp/kubectl-mlexp/pkg/suggest"
)

// Reader reads one experiment file; the reader of each format embeds it.
type Reader struct {
	File string        // the file name, for messages
	Opts model.Options // what the command line adds
	// TemplatePath is where the file writes the Job, for messages; "" is
	// spec.template.
	TemplatePath string
}

// New returns the Reader of the file named filename.
func New(filename string, opts model.Options) *Reader {
	return &Reader{File: filename, Opts: opts}
}

// templatePath returns where the file writes the Job template.
func (p *Reader) templatePath() string {
	if p.TemplatePath == "" {
		return "spec.template"
	}
	return p.TemplatePath
}

// PosOf returns the position of n.
func PosOf(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{}
	}
	return model.Pos{Line: n.Line, Col: n.Column}
}

// Errorf returns an *Error at n.
func (p *Reader) Errorf(n *yaml.Node, format string, args ...any) error {
	return &model.Error{File: p.File, Pos: PosOf(n), Msg: fmt.Sprintf(format, args...)}
}

// Field is one key of a YAML mapping.
type Field struct {
	Key   string
	KeyN  *yaml.Node
	Value *yaml.Node
}

// Check rejects what the file format never accepts anywhere: aliases and
// custom tags.
func (p *Reader) Check(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return p.Errorf(n, "aliases (*%s) are not supported: write the value out", n.Value)
	}
	if n.Tag != "" && !strings.HasPrefix(n.Tag, "!!") && n.Tag != "!" {
		return p.Errorf(n, "tag %s is not supported", n.Tag)
	}
	return nil
}

// Mapping returns the fields of the mapping n in order. Keys must be
// strings and appear once.
func (p *Reader) Mapping(n *yaml.Node, what string) ([]Field, error) {
	if err := p.Check(n); err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.Errorf(n, "%s: want a mapping, got %s", what, Describe(n))
	}
	fields := make([]Field, 0, len(n.Content)/2)
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if err := p.Check(k); err != nil {
			return nil, err
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
			return nil, p.Errorf(k, "%s: keys must be strings, got %s", what, Describe(k))
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			return nil, p.Errorf(k, "merge keys (<<) are not supported: write the fields out")
		}
		if line, dup := seen[k.Value]; dup {
			return nil, p.Errorf(k, "duplicate key %q (first at line %d)", k.Value, line)
		}
		if err := p.Check(v); err != nil {
			return nil, err
		}
		seen[k.Value] = k.Line
		fields = append(fields, Field{Key: k.Value, KeyN: k, Value: v})
	}
	return fields, nil
}

// Object returns the fields of mapping n by key, rejecting keys not in known.
func (p *Reader) Object(n *yaml.Node, what string, known ...string) (map[string]Field, error) {
	fields, err := p.Mapping(n, what)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Field, len(fields))
	for _, f := range fields {
		if !Contains(known, f.Key) {
			return nil, p.Errorf(f.KeyN, "unknown field %q in %s%s", f.Key, what, Suggest(f.Key, known))
		}
		out[f.Key] = f
	}
	return out, nil
}

// Sequence returns the items of sequence n.
func (p *Reader) Sequence(n *yaml.Node, what string) ([]*yaml.Node, error) {
	if err := p.Check(n); err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.Errorf(n, "%s: want a list, got %s", what, Describe(n))
	}
	for _, c := range n.Content {
		if err := p.Check(c); err != nil {
			return nil, err
		}
	}
	return n.Content, nil
}

// Str returns the string scalar n.
func (p *Reader) Str(n *yaml.Node, what string) (string, error) {
	if err := p.Check(n); err != nil {
		return "", err
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return "", p.Errorf(n, "%s: want a string, got %s", what, Describe(n))
	}
	return n.Value, nil
}

// Integer returns the integer scalar n.
func (p *Reader) Integer(n *yaml.Node, what string) (int64, error) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		var v int64
		if err := n.Decode(&v); err == nil {
			return v, nil
		}
	}
	return 0, p.Errorf(n, "%s: want an integer, got %s", what, Describe(n))
}

// Boolean returns the bool scalar n.
func (p *Reader) Boolean(n *yaml.Node, what string) (bool, error) {
	var b bool
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && n.Decode(&b) == nil {
		return b, nil
	}
	return false, p.Errorf(n, "%s: want true or false, got %s", what, Describe(n))
}

// Number returns the integer or float scalar n.
func (p *Reader) Number(n *yaml.Node, what string) (float64, error) {
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
		var v float64
		if err := n.Decode(&v); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, nil
		}
	}
	return 0, p.Errorf(n, "%s: want a number, got %s", what, Describe(n))
}

// Value returns the parameter value written at n: a string, integer,
// float or bool scalar, with the text as written.
func (p *Reader) Value(n *yaml.Node, name string) (space.Value, error) {
	if err := p.Check(n); err != nil {
		return space.Value{}, err
	}
	if n.Kind != yaml.ScalarNode {
		return space.Value{}, p.Errorf(n, "value of %q: parameter values must be a string, number or bool, got %s", name, Describe(n))
	}
	if len(n.Value) > model.MaxValueLength {
		return space.Value{}, p.Errorf(n, "value of %q is %s long: at most %s", name, model.ByteSize(len(n.Value)), model.ByteSize(model.MaxValueLength))
	}
	v := space.Value{Text: n.Value, Pos: PosOf(n)}
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		v.V = n.Value
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			return space.Value{}, p.Errorf(n, "value of %q: integer %s is out of range", name, n.Value)
		}
		v.V = i
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return space.Value{}, p.Errorf(n, "value of %q: %s is not a finite number", name, n.Value)
		}
		v.V = f
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return space.Value{}, p.Errorf(n, "value of %q: %v", name, err)
		}
		v.V = b
	case "!!null":
		return space.Value{}, p.Errorf(n, "value of %q is null: parameter values must be a string, number or bool", name)
	default:
		return space.Value{}, p.Errorf(n, "value of %q: parameter values must be a string, number or bool, got %s", name, Describe(n))
	}
	return v, nil
}

// Describe names what n is, for "want X, got Y" messages.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	switch n.ShortTag() {
	case "!!str":
		return "the string " + strconv.Quote(v)
	case "!!int":
		return "the integer " + v
	case "!!float":
		return "the number " + v
	case "!!bool":
		return "the bool " + v
	case "!!null":
		return "null"
	case "!!timestamp":
		return "the timestamp " + v
	}
	return n.ShortTag() + " " + strconv.Quote(v)
}

// Contains reports whether list holds s.
func Contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Suggest returns ` (did you mean "x"?)` for the known name closest to s,
// or the list of known names when none is close.
func Suggest(s string, known []string) string {
	if best := suggest.Closest(s, known); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	if len(known) <= 8 {
		sorted := append([]string(nil), known...)
		sort.Strings(sorted)
		return " (known fields: " + strings.Join(sorted, ", ") + ")"
	}
	return ""
}
