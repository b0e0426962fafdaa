// Package listfile reads the list format of experiment files: the
// experiments.yaml of the blog post this project starts from, a list of
// {script: IMAGE, args: [[...], ...]}, one trial per row. What it leaves
// out (command, cpu, memory, the names of the args) comes from the command
// line through model.Options.
package listfile

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/subst"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// SeedContainer is the container name of Jobs rendered from the seed format.
const SeedContainer = "ml"

// SeedImageParam is the parameter holding each seed entry's image.
const SeedImageParam = "script"

// parser reads one file in the list format.
type parser struct{ *reader.Reader }

// Read reads the list format's document doc, a sequence, with r.
func Read(r *reader.Reader, doc *yaml.Node) (*model.Experiment, error) {
	return (&parser{r}).seed(doc)
}

// seed parses the blog post's experiments.yaml: a list of entries
// {script: IMAGE, args: [[...], ...]}, one trial per row, in file order.
// $REPO and ${REPO} are read from the environment, as the seed's shell
// here-document did.
func (p *parser) seed(doc *yaml.Node) (*model.Experiment, error) {
	name := p.Opts.Name
	if name == "" {
		name = model.DefaultName(p.File)
		if name == "" || p.File == "<stdin>" || p.File == "-" {
			return nil, &model.Error{File: p.File, Msg: "a file in the list format (the blog post's experiments.yaml) has no name: pass --name"}
		}
		if msg := model.CheckName(name); msg != "" {
			return nil, &model.Error{File: p.File, Msg: msg + " (derived from the file name; pass --name)"}
		}
	} else if msg := model.CheckName(name); msg != "" {
		return nil, &model.Error{File: p.File, Msg: "--name: " + msg}
	}
	for _, q := range []struct{ flag, v string }{{"--cpu", p.Opts.CPU}, {"--memory", p.Opts.Memory}} {
		if q.v == "" {
			continue
		}
		if _, err := resource.ParseQuantity(q.v); err != nil {
			return nil, &model.Error{File: p.File, Msg: fmt.Sprintf("%s: invalid quantity %q: want a quantity such as 500m, 2 or 6Gi", q.flag, q.v)}
		}
	}
	entries, err := p.Sequence(doc, "the list format")
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, p.Errorf(doc, "the file lists no experiments")
	}
	sp := space.Space{File: p.File, Pos: reader.PosOf(doc)}
	var names []string
	var first *yaml.Node // the first row, which sets the number of args
	for _, e := range entries {
		fs, err := p.Object(e, "list entry", "script", "args")
		if err != nil {
			return nil, err
		}
		sf, ok := fs["script"]
		if !ok {
			return nil, p.Errorf(e, "list entry has no script (the image to run)")
		}
		image, err := p.seedImage(sf.Value)
		if err != nil {
			return nil, err
		}
		af, ok := fs["args"]
		if !ok {
			return nil, p.Errorf(e, "list entry has no args (a list of argument lists, one per run)")
		}
		rows, err := p.Sequence(af.Value, "args")
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			return nil, p.Errorf(af.Value, "args lists no runs")
		}
		for _, rn := range rows {
			items, err := p.Sequence(rn, "args row")
			if err != nil {
				return nil, err
			}
			if first == nil {
				first = rn
				if names, err = p.seedNames(rn, len(items)); err != nil {
					return nil, err
				}
			} else if len(items) != len(names)-1 {
				return nil, p.Errorf(rn, "this row has %d args, the row at line %d has %d: every row must have the same number", len(items), first.Line, len(names)-1)
			}
			row := space.Row{Names: names, Pos: reader.PosOf(rn), Values: make([]space.Value, 0, len(names))}
			row.Values = append(row.Values, image)
			for i, it := range items {
				v, err := p.seedArg(it, names[i+1])
				if err != nil {
					return nil, err
				}
				row.Values = append(row.Values, v)
			}
			sp.List = append(sp.List, row)
		}
	}
	if err := sp.Validate(); err != nil {
		return nil, err
	}
	tmpl, err := p.Template(p.seedJob(names), names)
	if err != nil {
		return nil, err
	}
	return &model.Experiment{Name: name, Format: model.Seed, Space: sp, Template: tmpl}, nil
}

// seedNames returns the parameter names of the seed format: script, then
// one per positional arg.
func (p *parser) seedNames(row *yaml.Node, n int) ([]string, error) {
	names := []string{SeedImageParam}
	if p.Opts.ParamNames == nil {
		for i := 1; i <= n; i++ {
			names = append(names, "arg"+strconv.Itoa(i))
		}
		return names, nil
	}
	if len(p.Opts.ParamNames) != n {
		return nil, p.Errorf(row, "--param-names names %d parameters, the rows have %d args", len(p.Opts.ParamNames), n)
	}
	for _, name := range p.Opts.ParamNames {
		if !params.ValidName(name) || name == "env" || name == SeedImageParam {
			return nil, &model.Error{File: p.File, Msg: fmt.Sprintf("--param-names: invalid parameter name %q: want %s (not env or script)", name, params.NameRule)}
		}
	}
	return append(names, p.Opts.ParamNames...), nil
}

// seedImage reads an entry's script, expanding $VAR from the environment.
func (p *parser) seedImage(n *yaml.Node) (space.Value, error) {
	s, err := p.Str(n, "script")
	if err != nil {
		return space.Value{}, err
	}
	s, err = subst.ExpandShell(s, p.Opts.Getenv)
	if err != nil {
		return space.Value{}, p.Errorf(n, "script: %v", err)
	}
	if s == "" {
		return space.Value{}, p.Errorf(n, "script is empty: give the image to run")
	}
	return space.Value{V: s, Text: s, Pos: reader.PosOf(n)}, nil
}

// seedArg reads one positional arg: its text is what the seed's
// '%s' formatting passed; strings have $VAR expanded.
func (p *parser) seedArg(n *yaml.Node, name string) (space.Value, error) {
	v, err := p.Value(n, name)
	if err != nil {
		return v, err
	}
	if s, ok := v.V.(string); ok {
		s, err = subst.ExpandShell(s, p.Opts.Getenv)
		if err != nil {
			return v, p.Errorf(n, "%v", err)
		}
		v.V, v.Text = s, s
	}
	return v, nil
}

// seedJob builds, as YAML, the Job the seed's run-experiments.py applied:
// one container "ml" running the entry's image with the row as args.
func (p *parser) seedJob(names []string) *yaml.Node {
	str := func(s string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	}
	m := func(kv ...any) *yaml.Node {
		n := &yaml.Node{Kind: yaml.MappingNode}
		for i := 0; i < len(kv); i += 2 {
			n.Content = append(n.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
		}
		return n
	}
	args := &yaml.Node{Kind: yaml.SequenceNode}
	for _, n := range names[1:] {
		args.Content = append(args.Content, str("${"+n+"}"))
	}
	container := m("name", str(SeedContainer), "image", str("${"+SeedImageParam+"}"))
	if p.Opts.Command != nil {
		cmd := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range p.Opts.Command {
			cmd.Content = append(cmd.Content, str(subst.Quote(c)))
		}
		container.Content = append(container.Content, str("command"), cmd)
	}
	container.Content = append(container.Content, str("args"), args)
	limits := m()
	if p.Opts.CPU != "" {
		limits.Content = append(limits.Content, str("cpu"), str(p.Opts.CPU))
	}
	if p.Opts.Memory != "" {
		limits.Content = append(limits.Content, str("memory"), str(p.Opts.Memory))
	}
	if len(limits.Content) > 0 {
		container.Content = append(container.Content, str("resources"), m("limits", limits))
	}
	zero := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0"}
	job := m("spec", m(
		"backoffLimit", zero,
		"template", m("spec", m(
			"restartPolicy", str("Never"),
			"containers", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{container}},
		)),
	))
	return job
}
