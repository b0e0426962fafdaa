// Package subst implements the references an experiment file may write in
// any string of its Job template: ${name} for a parameter, ${env.NAME} for an
// environment variable and $$ for a literal dollar sign. Every other use of $
// (Kubernetes' own $(VAR), a shell's $HOME) is left as written.
//
// It is a plain scanner: nothing is evaluated, no file is read, nothing is
// run.
package subst

import (
	"fmt"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// Part is one piece of a parsed string: literal text, or a reference.
type Part struct {
	Lit string // the literal text when Ref is empty
	Ref string // the referenced parameter or environment variable; "" for literal text
	Env bool   // Ref names an environment variable (${env.NAME})
}

// Parse splits s into literal text and references. $$ becomes a literal $.
func Parse(s string) ([]Part, error) {
	if strings.IndexByte(s, '$') < 0 {
		return []Part{{Lit: s}}, nil
	}
	var parts []Part
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, Part{Lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			lit.WriteByte(c)
			i++
			continue
		}
		switch s[i+1] {
		case '$':
			lit.WriteByte('$')
			i += 2
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return nil, fmt.Errorf("unterminated %q in %q (write $${ for a literal ${)", "${", s)
			}
			ref := s[i+2 : i+2+end]
			p, err := parseRef(ref)
			if err != nil {
				return nil, err
			}
			flush()
			parts = append(parts, p)
			i += end + 3
		default:
			lit.WriteByte('$')
			i++
		}
	}
	flush()
	if len(parts) == 0 {
		parts = append(parts, Part{})
	}
	return parts, nil
}

// parseRef parses what is written between ${ and }.
func parseRef(ref string) (Part, error) {
	if name, ok := strings.CutPrefix(ref, "env."); ok {
		if !IsIdentifier(name) {
			return Part{}, fmt.Errorf("invalid reference ${%s}: want ${env.NAME} with NAME a letter or _ followed by letters, digits or _", ref)
		}
		return Part{Ref: name, Env: true}, nil
	}
	if !params.ValidName(ref) {
		return Part{}, fmt.Errorf("invalid reference ${%s}: want ${name} (a parameter) or ${env.NAME} (an environment variable); write $${ for a literal ${", ref)
	}
	return Part{Ref: ref}, nil
}

// IsIdentifier reports whether s is a valid environment variable name:
// a letter or _ followed by letters, digits or _.
func IsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Expand substitutes every reference of s: parameters through param,
// environment variables through env. A lookup that returns false makes
// Expand fail with an error naming the reference.
func Expand(s string, param, env func(string) (string, bool)) (string, error) {
	parts, err := Parse(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, p := range parts {
		switch {
		case p.Ref == "":
			b.WriteString(p.Lit)
		case p.Env:
			v, ok := env(p.Ref)
			if !ok {
				return "", UnsetEnvError(p.Ref)
			}
			b.WriteString(v)
		default:
			v, ok := param(p.Ref)
			if !ok {
				return "", UnknownParamError(p.Ref)
			}
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

// UnsetEnvError is the error for ${env.NAME} when NAME is not set.
func UnsetEnvError(name string) error {
	return fmt.Errorf("environment variable %s is not set (referenced as ${env.%s})", name, name)
}

// UnknownParam is the error for ${Name} when no parameter has that name.
type UnknownParam struct {
	Name string
	// Like is the parameter Name most likely misspells, "" for none.
	Like string
}

// Error says which reference is unknown, and what it may have meant.
func (e *UnknownParam) Error() string {
	if e.Like != "" {
		return fmt.Sprintf("unknown parameter %q in ${%s} (did you mean ${%s}?)", e.Name, e.Name, e.Like)
	}
	return fmt.Sprintf("unknown parameter %q in ${%s} (write $${%s} for a literal ${%s}, ${env.%s} for an environment variable)",
		e.Name, e.Name, e.Name, e.Name, e.Name)
}

// UnknownParamError is the error for ${name} when no parameter has that name.
func UnknownParamError(name string) error {
	return &UnknownParam{Name: name}
}

// Quote escapes s so that Expand returns it unchanged, even with a
// reference written right after it: only a $ before { or $, and a final $,
// become $$; every other $ ($(seq 1 3), $HOME, Kubernetes' $(VAR)) is left
// as written.
func Quote(s string) string {
	if strings.IndexByte(s, '$') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '$' && (i+1 == len(s) || s[i+1] == '{' || s[i+1] == '$') {
			b.WriteByte('$')
		}
	}
	return b.String()
}

// ExpandShell expands $NAME and ${NAME} from the environment the way an
// unquoted shell here-document does (the seed's experiments.yaml writes
// $REPO/k8s-ml:model01). An unset variable is an error naming it; a $ not
// followed by a name is kept.
func ExpandShell(s string, env func(string) (string, bool)) (string, error) {
	if strings.IndexByte(s, '$') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			i++
			continue
		}
		var name string
		var next int
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("unterminated %q in %q", "${", s)
			}
			name = s[i+2 : i+2+end]
			if !IsIdentifier(name) {
				return "", fmt.Errorf("invalid variable ${%s} in %q", name, s)
			}
			next = i + end + 3
		} else {
			j := i + 1
			for j < len(s) && IsIdentifier(s[i+1:j+1]) {
				j++
			}
			name, next = s[i+1:j], j
		}
		if name == "" {
			b.WriteByte('$')
			i++
			continue
		}
		v, ok := env(name)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set (the file reads $%s)", name, name)
		}
		b.WriteString(v)
		i = next
	}
	return b.String(), nil
}

// Template is a string compiled against an ordered list of parameters:
// literal text around references to parameter indexes. Environment
// variables are resolved when it is compiled.
type Template struct {
	Lit  []string // len(Refs)+1 pieces of literal text
	Refs []int    // parameter indexes, in order of appearance
}

// Compile parses s, resolves ${env.NAME} through env and maps every
// ${name} to its index through index.
func Compile(s string, index func(string) (int, bool), env func(string) (string, bool)) (Template, error) {
	parts, err := Parse(s)
	if err != nil {
		return Template{}, err
	}
	t := Template{Lit: []string{""}}
	for _, p := range parts {
		switch {
		case p.Ref == "":
			t.Lit[len(t.Lit)-1] += p.Lit
		case p.Env:
			v, ok := env(p.Ref)
			if !ok {
				return Template{}, UnsetEnvError(p.Ref)
			}
			t.Lit[len(t.Lit)-1] += v
		default:
			i, ok := index(p.Ref)
			if !ok {
				return Template{}, UnknownParamError(p.Ref)
			}
			t.Refs = append(t.Refs, i)
			t.Lit = append(t.Lit, "")
		}
	}
	return t, nil
}

// IsConst reports whether t references no parameter.
func (t Template) IsConst() bool { return len(t.Refs) == 0 }

// Single returns the parameter index when t is exactly one reference and
// nothing else, as in "${epochs}".
func (t Template) Single() (int, bool) {
	if len(t.Refs) == 1 && t.Lit[0] == "" && t.Lit[1] == "" {
		return t.Refs[0], true
	}
	return 0, false
}

// Apply substitutes vals, indexed like the parameters t was compiled against.
func (t Template) Apply(vals []string) string {
	if len(t.Refs) == 0 {
		return t.Lit[0]
	}
	if i, ok := t.Single(); ok {
		return vals[i]
	}
	n := len(t.Lit[0])
	for i, r := range t.Refs {
		n += len(vals[r]) + len(t.Lit[i+1])
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(t.Lit[0])
	for i, r := range t.Refs {
		b.WriteString(vals[r])
		b.WriteString(t.Lit[i+1])
	}
	return b.String()
}
