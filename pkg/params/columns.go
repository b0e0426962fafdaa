package params

import "strings"

// None is the table cell of a parameter a trial does not have, as kubectl
// prints a missing value.
const None = "<none>"

// NameUnion collects the parameter names of many trials in first-seen
// order, for the columns of a table. The zero value is ready to use.
type NameUnion struct {
	seen  map[string]bool
	names []string
}

// Add records the names of p.
func (u *NameUnion) Add(p Params) {
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	for _, kv := range p {
		if !u.seen[kv.Name] {
			u.seen[kv.Name] = true
			u.names = append(u.names, kv.Name)
		}
	}
}

// Names returns the names recorded so far, never nil.
func (u *NameUnion) Names() []string {
	if u.names == nil {
		return []string{}
	}
	return u.names
}

// Columns returns the parameter names of items in first-seen order: the
// parameter columns of a table with one row per item.
func Columns[T any](items []T, of func(*T) Params) []string {
	var u NameUnion
	for i := range items {
		u.Add(of(&items[i]))
	}
	return u.Names()
}

// Headers returns the column headers of names: each name in upper case.
func Headers(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToUpper(n)
	}
	return out
}

// Cell returns the table cell of parameter name: its value, or None when
// p does not have it.
func (p Params) Cell(name string) string {
	v, ok := p.Get(name)
	if !ok {
		return None
	}
	return Format(v)
}

// Cells returns the table cells of the parameters names, in their order.
func (p Params) Cells(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p.Cell(n)
	}
	return out
}
