package reader

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/subst"
	"github.com/mlexp/kubectl-mlexp/pkg/suggest"
)

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
	microTimeType   = reflect.TypeFor[metav1.MicroTime]()
	durationType    = reflect.TypeFor[metav1.Duration]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	jobSpecType     = reflect.TypeFor[batchv1.JobSpec]()
	stringMapType   = reflect.TypeFor[map[string]string]()
)

// compiler turns the YAML of a Job template into template nodes, checking
// every field against the Go type of batch/v1 Job.
type compiler struct {
	p     *Reader
	names []string
	index map[string]int
	used  []bool
}

// Template compiles spec.template against the parameters names.
func (p *Reader) Template(n *yaml.Node, names []string) (model.Template, error) {
	c := &compiler{p: p, names: names, index: make(map[string]int, len(names)), used: make([]bool, len(names))}
	for i, name := range names {
		c.index[name] = i
	}
	t := model.Template{Names: names, Pos: PosOf(n)}
	at := p.templatePath()
	top, err := p.Object(n, at+" (a batch/v1 Job)", "apiVersion", "kind", "metadata", "spec")
	if err != nil {
		return t, err
	}
	if f, ok := top["apiVersion"]; ok {
		if s, err := p.Str(f.Value, at+".apiVersion"); err != nil || s != "batch/v1" {
			return t, p.Errorf(f.Value, "%s.apiVersion: want batch/v1, got %s", at, Describe(f.Value))
		}
	}
	if f, ok := top["kind"]; ok {
		if s, err := p.Str(f.Value, at+".kind"); err != nil || s != "Job" {
			return t, p.Errorf(f.Value, "%s.kind: want Job, got %s", at, Describe(f.Value))
		}
	}
	root := &model.Node{Kind: model.MapNode, Pos: PosOf(n)}
	if f, ok := top["metadata"]; ok {
		meta, err := p.Object(f.Value, at+".metadata", "labels", "annotations", "name", "generateName", "namespace")
		if err != nil {
			return t, err
		}
		mn := &model.Node{Kind: model.MapNode, Path: "metadata", Pos: PosOf(f.Value)}
		for _, k := range []string{"name", "generateName", "namespace"} {
			if g, ok := meta[k]; ok {
				return t, p.Errorf(g.KeyN, "%s.metadata.%s: kubectl-mlexp sets it (trials are named after the experiment and their parameters; the namespace comes from -n or the experiment's metadata.namespace)", at, k)
			}
		}
		for _, k := range []string{"labels", "annotations"} {
			if g, ok := meta[k]; ok {
				v, err := c.walk(g.Value, stringMapType, "metadata."+k)
				if err != nil {
					return t, err
				}
				mn.Keys, mn.Values = append(mn.Keys, k), append(mn.Values, v)
			}
		}
		root.Keys, root.Values = append(root.Keys, "metadata"), append(root.Values, mn)
	}
	f, ok := top["spec"]
	if !ok {
		return t, p.Errorf(n, "%s.spec is missing: give the JobSpec (template.spec.containers...)", at)
	}
	spec, err := c.walk(f.Value, jobSpecType, "spec")
	if err != nil {
		return t, err
	}
	root.Keys, root.Values = append(root.Keys, "spec"), append(root.Values, spec)
	model.SetConst(root)
	t.Root, t.Used = root, c.used
	return t, nil
}

// walk compiles the YAML value y, which the Job decodes into Go type t.
func (c *compiler) walk(y *yaml.Node, t reflect.Type, path string) (*model.Node, error) {
	p := c.p
	if err := p.Check(y); err != nil {
		return nil, err
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if y.Kind == yaml.ScalarNode && y.ShortTag() == "!!null" {
		return &model.Node{Kind: model.LiteralNode, Literal: "null", Path: path, Pos: PosOf(y)}, nil
	}
	switch {
	case t == quantityType:
		return c.scalar(y, model.WantQuantity, t, path)
	case t == intOrStringType:
		return c.scalar(y, model.WantIntOrString, t, path)
	case t == timeType || t == microTimeType || t == durationType:
		return c.scalar(y, model.WantString, t, path)
	case reflect.PointerTo(t).Implements(unmarshalerType):
		return c.any(y, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		return c.object(y, t, path)
	case reflect.Map:
		return c.dict(y, t, path)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return c.scalar(y, model.WantString, t, path)
		}
		items, err := p.Sequence(y, "Job "+path)
		if err != nil {
			return nil, err
		}
		n := &model.Node{Kind: model.ListNode, Path: path, Pos: PosOf(y), Values: make([]*model.Node, 0, len(items))}
		for i, it := range items {
			v, err := c.walk(it, t.Elem(), path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			n.Values = append(n.Values, v)
		}
		return n, nil
	case reflect.String:
		return c.scalar(y, model.WantString, t, path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return c.scalar(y, model.WantInt, t, path)
	case reflect.Float32, reflect.Float64:
		return c.scalar(y, model.WantFloat, t, path)
	case reflect.Bool:
		return c.scalar(y, model.WantBool, t, path)
	}
	return c.any(y, path)
}

// Object compiles a mapping into a struct type, rejecting unknown fields.
func (c *compiler) object(y *yaml.Node, t reflect.Type, path string) (*model.Node, error) {
	p := c.p
	fields, err := p.Mapping(y, "Job "+orRoot(path))
	if err != nil {
		return nil, err
	}
	info := structFields(t)
	n := &model.Node{Kind: model.MapNode, Path: path, Pos: PosOf(y)}
	for _, f := range fields {
		ft, ok := info.types[f.Key]
		if !ok {
			return nil, p.Errorf(f.KeyN, "unknown field %q in Job %s%s", f.Key, orRoot(path), Suggest(f.Key, info.names))
		}
		v, err := c.walk(f.Value, ft, join(path, f.Key))
		if err != nil {
			return nil, err
		}
		n.Keys, n.Values = append(n.Keys, f.Key), append(n.Values, v)
	}
	return n, nil
}

// dict compiles a mapping into a map type.
func (c *compiler) dict(y *yaml.Node, t reflect.Type, path string) (*model.Node, error) {
	p := c.p
	fields, err := p.Mapping(y, "Job "+path)
	if err != nil {
		return nil, err
	}
	n := &model.Node{Kind: model.MapNode, Path: path, Pos: PosOf(y)}
	meta := strings.HasSuffix(path, "metadata.labels") || strings.HasSuffix(path, "metadata.annotations")
	for _, f := range fields {
		if f.KeyN.ShortTag() != "!!str" {
			return nil, p.Errorf(f.KeyN, "Job %s: keys must be strings, got %s", path, Describe(f.KeyN))
		}
		if strings.Contains(f.Key, "${") {
			return nil, p.Errorf(f.KeyN, "Job %s: parameters cannot be used in keys (%q)", path, f.Key)
		}
		if meta {
			if msg := checkMetaKey(f.Key); msg != "" {
				return nil, p.Errorf(f.KeyN, "Job %s: %s", path, msg)
			}
		}
		v, err := c.walk(f.Value, t.Elem(), join(path, f.Key))
		if err != nil {
			return nil, err
		}
		n.Keys, n.Values = append(n.Keys, f.Key), append(n.Values, v)
	}
	return n, nil
}

// any compiles a value of no particular type.
func (c *compiler) any(y *yaml.Node, path string) (*model.Node, error) {
	switch y.Kind {
	case yaml.MappingNode:
		fields, err := c.p.Mapping(y, "Job "+path)
		if err != nil {
			return nil, err
		}
		n := &model.Node{Kind: model.MapNode, Path: path, Pos: PosOf(y)}
		for _, f := range fields {
			v, err := c.any(f.Value, join(path, f.Key))
			if err != nil {
				return nil, err
			}
			n.Keys, n.Values = append(n.Keys, f.Key), append(n.Values, v)
		}
		return n, nil
	case yaml.SequenceNode:
		items, err := c.p.Sequence(y, "Job "+path)
		if err != nil {
			return nil, err
		}
		n := &model.Node{Kind: model.ListNode, Path: path, Pos: PosOf(y)}
		for i, it := range items {
			v, err := c.any(it, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			n.Values = append(n.Values, v)
		}
		return n, nil
	}
	if err := c.p.Check(y); err != nil {
		return nil, err
	}
	switch y.ShortTag() {
	case "!!int", "!!float", "!!bool", "!!null":
		return c.literal(y, model.WantAny, nil, path)
	}
	return c.scalar(y, model.WantString, nil, path)
}

// structInfo lists the JSON fields of a struct type.
type structInfo struct {
	names []string
	types map[string]reflect.Type
}

var structCache sync.Map // reflect.Type -> *structInfo

// structFields returns the JSON fields of struct type t, with inline and
// embedded structs flattened as encoding/json does.
func structFields(t reflect.Type) *structInfo {
	if v, ok := structCache.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{types: map[string]reflect.Type{}}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if name == "" && (f.Anonymous || strings.Contains(opts, "inline")) && ft.Kind() == reflect.Struct {
				add(ft)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := info.types[name]; !dup {
				info.names = append(info.names, name)
				info.types[name] = f.Type
			}
		}
	}
	add(t)
	v, _ := structCache.LoadOrStore(t, info)
	return v.(*structInfo)
}

// join appends a key to a field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// orRoot names the root of the Job when path is empty.
func orRoot(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}

// compileString compiles a template string.
func (c *compiler) compileString(y *yaml.Node, path string) (subst.Template, error) {
	t, err := subst.Compile(y.Value, func(name string) (int, bool) {
		i, ok := c.index[name]
		return i, ok
	}, c.p.Opts.Getenv)
	var unknown *subst.UnknownParam
	if errors.As(err, &unknown) {
		unknown.Like = suggest.Closest(unknown.Name, c.names)
	}
	if err != nil {
		return t, c.p.Errorf(y, "Job %s: %v", path, err)
	}
	for _, r := range t.Refs {
		c.used[r] = true
	}
	return t, nil
}
