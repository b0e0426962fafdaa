package params

import (
	"fmt"
	"strconv"
	"strings"
)

// Requirement is one condition on a trial's parameter: name=value or
// name!=value.
type Requirement struct {
	Name  string
	Value string
	Not   bool // != rather than =
}

// Selector keeps the trials whose parameters meet every requirement.
type Selector []Requirement

// ParseSelector reads comma-separated requirements such as
// "activation=relu,dropout!=0.2" ("==" is the same as "="). An empty
// string selects every trial.
func ParseSelector(s string) (Selector, error) {
	var out Selector
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		var r Requirement
		var ok bool
		switch {
		case strings.Contains(part, "!="):
			r.Name, r.Value, ok = strings.Cut(part, "!=")
			r.Not = true
		case strings.Contains(part, "=="):
			r.Name, r.Value, ok = strings.Cut(part, "==")
		default:
			r.Name, r.Value, ok = strings.Cut(part, "=")
		}
		r.Name, r.Value = strings.TrimSpace(r.Name), strings.TrimSpace(r.Value)
		if !ok || r.Name == "" || strings.ContainsAny(r.Name, "=!") || strings.ContainsAny(r.Value, "=!") {
			return nil, fmt.Errorf("selector %q: want name=value or name!=value, comma-separated (e.g. activation=relu,dropout=0.2)", part)
		}
		out = append(out, r)
	}
	return out, nil
}

// String renders the selector as ParseSelector reads it.
func (s Selector) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		op := "="
		if r.Not {
			op = "!="
		}
		parts[i] = r.Name + op + r.Value
	}
	return strings.Join(parts, ",")
}

// Names returns the parameter names the selector refers to.
func (s Selector) Names() []string {
	out := make([]string, len(s))
	for i, r := range s {
		out[i] = r.Name
	}
	return out
}

// Matches reports whether parameters p meet every requirement. A parameter
// p lacks matches no name=value and every name!=value. Numbers compare by
// value, so dropout=0.20 matches a dropout of 0.2.
func (s Selector) Matches(p Params) bool {
	for _, r := range s {
		v, ok := p.Get(r.Name)
		if equal(v, ok, r.Value) == r.Not {
			return false
		}
	}
	return true
}

func equal(v any, ok bool, want string) bool {
	if !ok {
		return false
	}
	got := Format(v)
	if got == want {
		return true
	}
	switch v.(type) {
	case int, int64, float64:
		a, err1 := strconv.ParseFloat(got, 64)
		b, err2 := strconv.ParseFloat(want, 64)
		return err1 == nil && err2 == nil && a == b
	}
	return false
}
