package reader

import (
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// wantNames describes each Want in messages.
var wantNames = map[model.Want]string{
	model.WantAny:         "a value",
	model.WantString:      "a string",
	model.WantInt:         "an integer",
	model.WantFloat:       "a number",
	model.WantBool:        "true or false",
	model.WantQuantity:    "a quantity such as 500m, 2 or 6Gi",
	model.WantIntOrString: "an integer or a string",
}

// scalar compiles a scalar the Job decodes into Go type t (nil: any).
func (c *compiler) scalar(y *yaml.Node, want model.Want, t reflect.Type, path string) (*model.Node, error) {
	p := c.p
	if y.Kind != yaml.ScalarNode {
		return nil, p.Errorf(y, "Job %s: want %s, got %s", path, wantNames[want], Describe(y))
	}
	tag := y.ShortTag()
	isStr := tag == "!!str" || tag == "!!timestamp"
	switch {
	case isStr:
		// a string, possibly a ${param} standing for the wanted value
	case want == model.WantString:
		return nil, p.Errorf(y, "Job %s: want a string, got %s (quote it: %q)", path, Describe(y), y.Value)
	case tag == "!!int" && (want == model.WantInt || want == model.WantFloat || want == model.WantIntOrString),
		tag == "!!float" && want == model.WantFloat,
		tag == "!!bool" && want == model.WantBool:
		return c.literal(y, want, t, path)
	case (tag == "!!int" || tag == "!!float") && want == model.WantQuantity:
		// a plain number is a quantity, as Kubernetes reads it
	default:
		return nil, p.Errorf(y, "Job %s: want %s, got %s", path, wantNames[want], Describe(y))
	}
	str, err := c.compileString(y, path)
	if err != nil {
		return nil, err
	}
	n := &model.Node{Kind: model.StringNode, Want: want, Str: str, Path: path, Pos: PosOf(y)}
	switch want {
	case model.WantInt, model.WantFloat, model.WantBool:
		if _, ok := str.Single(); !ok {
			if str.IsConst() {
				return nil, p.Errorf(y, "Job %s: want %s, got %s", path, wantNames[want], Describe(y))
			}
			return nil, p.Errorf(y, "Job %s: want %s: only a whole \"${param}\" can stand for one, got %q", path, wantNames[want], y.Value)
		}
	case model.WantQuantity:
		if str.IsConst() {
			if _, err := resource.ParseQuantity(str.Lit[0]); err != nil {
				return nil, p.Errorf(y, "Job %s: want %s, got %q", path, wantNames[want], str.Lit[0])
			}
		}
	}
	return n, nil
}

// literal compiles a number, bool or null scalar into normalized JSON.
func (c *compiler) literal(y *yaml.Node, want model.Want, t reflect.Type, path string) (*model.Node, error) {
	p := c.p
	n := &model.Node{Kind: model.LiteralNode, Want: want, Path: path, Pos: PosOf(y)}
	switch y.ShortTag() {
	case "!!int":
		if want == model.WantFloat {
			break
		}
		var i int64
		if err := y.Decode(&i); err != nil {
			return nil, p.Errorf(y, "Job %s: integer %s is out of range", path, y.Value)
		}
		if t != nil {
			v := reflect.Zero(t)
			switch {
			case v.CanInt() && v.OverflowInt(i),
				v.CanUint() && (i < 0 || v.OverflowUint(uint64(i))):
				return nil, p.Errorf(y, "Job %s: integer %s is out of range for %s", path, y.Value, t.Kind())
			}
		}
		n.Literal = strconv.FormatInt(i, 10)
		return n, nil
	case "!!bool":
		var b bool
		if err := y.Decode(&b); err != nil {
			return nil, p.Errorf(y, "Job %s: %v", path, err)
		}
		n.Literal = strconv.FormatBool(b)
		return n, nil
	case "!!null":
		n.Literal = "null"
		return n, nil
	}
	var f float64
	if err := y.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, p.Errorf(y, "Job %s: %s is not a finite number", path, y.Value)
	}
	n.Literal = strconv.FormatFloat(f, 'g', -1, 64)
	return n, nil
}

// checkMetaKey returns why key may not be a label or annotation key of a
// Template, or "".
func checkMetaKey(key string) string {
	if strings.HasPrefix(key, "mlexp.dev/") || key == keys.ManagedBy {
		return "key " + strconv.Quote(key) + " is reserved: kubectl-mlexp sets it"
	}
	if errs := validation.IsQualifiedName(key); len(errs) > 0 {
		return "invalid key " + strconv.Quote(key) + ": " + strings.Join(errs, "; ")
	}
	return ""
}
