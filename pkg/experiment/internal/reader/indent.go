package reader

import (
	"fmt"
	"strings"
)

// yamlLine is one line of a file that holds a key, a list item or both.
type yamlLine struct {
	n      int    // 1-based line number
	indent int    // spaces before the text
	dash   bool   // a list item: "- ..."
	at     int    // column (0-based) of the key or value: indent, or past "- "
	key    string // the key, "" for none
	value  string // what follows "key:" (or "- "), without a comment
}

// opens reports whether the line opens a block on the lines below it: a
// key or a list item without a value.
func (l *yamlLine) opens() bool { return l.value == "" }

// words returns the line's text as the user wrote it, for messages.
func (l *yamlLine) words() string {
	s := l.value
	if l.key != "" {
		s = strings.TrimSpace(l.key + ": " + l.value)
	}
	if l.dash {
		s = "- " + s
	}
	return s
}

// level is a block open at an indentation: a mapping's keys or a list's
// items.
type level struct {
	indent  int
	seq     bool
	line    int    // the line of the level's first item, or last key for a mapping
	key     string // mapping: the last key read at this level
	compact bool   // a list at the indentation of the key that holds it
	items   int    // list: the column of its items' keys, 0 when unknown
}

// indentMistake finds the first line of a YAML file whose indentation
// cannot be what its author meant: a key deeper than a key that has a value,
// a key in a list without "- ", a line aligned with no block above it, a
// list item at the indentation of a mapping's keys. It returns the line
// and what is wrong, in words; 0 and "" when it finds nothing. It reads
// block scalars, flow collections and quoted or plain scalars over several
// lines as YAML does, roughly: it runs only once yaml.v3 has refused the
// file, to say where and why.
func indentMistake(lines []string) (int, string) {
	var stack []level
	var prev *yamlLine
	var ended *level // the compact list that prev's line ended
	for i := 0; i < len(lines); i++ {
		l, ok := parseLine(lines[i], i+1)
		if !ok {
			continue
		}
		if strings.HasPrefix(lines[i], "\t") {
			return 0, ""
		}
		var popped []level
		for len(stack) > 0 && stack[len(stack)-1].indent > l.indent {
			popped = append(popped, stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		}
		var top *level
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		endedHere := (*level)(nil)
		switch {
		case top == nil:
			// the first line, or a line at the left of everything
		case top.indent == l.indent && top.seq && !l.dash:
			if !top.compact {
				return l.n, missingDash(l, top, popped)
			}
			e := *top
			endedHere = &e
			stack = stack[:len(stack)-1]
			top = &stack[len(stack)-1]
		case top.indent == l.indent && !top.seq && l.dash:
			if prev == nil || prev.key == "" || !prev.opens() || prev.indent != l.indent || prev.dash {
				return l.n, dashAtKey(l, top, popped)
			}
			stack = append(stack, level{indent: l.indent, seq: true, line: l.n, compact: true})
			top = &stack[len(stack)-1]
		case top.indent < l.indent && len(popped) > 0:
			return l.n, misaligned(l, popped[len(popped)-1], stack)
		case top.indent < l.indent && !prev.opens():
			if l.key == "" && !l.dash {
				continue // a plain scalar over several lines
			}
			if ended != nil && ended.items == l.indent {
				return prev.n, fmt.Sprintf("`%s` follows the list of line %d but does not start with `- `: write `- %s` for a new item of that list", prev.words(), ended.line, prev.words())
			}
			return l.n, overIndented(l, prev)
		}
		if top == nil || top.indent < l.indent {
			stack = append(stack, level{indent: l.indent, seq: l.dash, line: l.n})
			top = &stack[len(stack)-1]
		}
		if l.dash {
			if top.items == 0 && l.key != "" {
				top.items = l.at
			}
			if l.key != "" {
				stack = append(stack, level{indent: l.at, line: l.n, key: l.key})
			}
		} else {
			top.key, top.line = l.key, l.n
		}
		prev, ended = &l, endedHere
		i = skipMultiline(lines, i, l)
	}
	return 0, ""
}

// missingDash describes a key at the indentation of a list's items that
// does not start with "- ".
func missingDash(l yamlLine, list *level, popped []level) string {
	msg := fmt.Sprintf("`%s` is in the list of line %d but does not start with `- `: write `- %s` for a new item", l.words(), list.line, l.words())
	for _, p := range popped {
		if !p.seq && p.key != "" {
			return msg + fmt.Sprintf(", or indent it like `%s:` (%s) to add it to the item above", p.key, spaces(p.indent))
		}
	}
	return msg
}

// dashAtKey describes a list item at the indentation of a mapping's keys.
func dashAtKey(l yamlLine, m *level, popped []level) string {
	for _, p := range popped {
		if p.seq {
			return fmt.Sprintf("the list item `%s` is indented like the key `%s:` on line %d: indent it like the items of its list (%s, line %d)", l.words(), m.key, m.line, spaces(p.indent), p.line)
		}
	}
	return fmt.Sprintf("the list item `%s` is indented like the key `%s:` on line %d, which holds no list: give the list a key, or indent it under one", l.words(), m.key, m.line)
}

// misaligned describes a line indented between two blocks.
func misaligned(l yamlLine, deeper level, stack []level) string {
	what := "`" + l.words() + "`"
	if l.key != "" {
		what = "`" + l.key + ":`"
	}
	like := func(v level) string {
		if v.seq {
			return fmt.Sprintf("the items of the list on line %d (%s)", v.line, spaces(v.indent))
		}
		return fmt.Sprintf("`%s:` on line %d (%s)", v.key, v.line, spaces(v.indent))
	}
	outer := stack[len(stack)-1]
	for j := len(stack) - 1; j >= 0 && stack[j].indent == outer.indent; j-- {
		if !stack[j].seq {
			outer = stack[j]
		}
	}
	return fmt.Sprintf("%s is indented %s, like no key above it: indent it like %s or %s", what, spaces(l.indent), like(deeper), like(outer))
}

// overIndented describes a key deeper than the line above, which has a
// value already.
func overIndented(l yamlLine, prev *yamlLine) string {
	what := "`" + l.words() + "`"
	if l.key != "" && !l.dash {
		what = "`" + l.key + ":`"
	}
	if prev.key == "" {
		return fmt.Sprintf("%s is indented deeper than the list item on line %d, which has a value already: indent it like that item's text (%s)", what, prev.n, spaces(prev.at))
	}
	return fmt.Sprintf("%s is indented deeper than `%s:` on line %d, which has a value already: indent it like `%s:` (%s), or move the value of `%s:` under it",
		what, prev.key, prev.n, prev.key, spaces(prev.at), prev.key)
}

// spaces writes n spaces in words.
func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return fmt.Sprintf("%d spaces", n)
}

// parseLine reads the structure of one line; false for blank lines,
// comments and document markers.
func parseLine(s string, n int) (yamlLine, bool) {
	s = strings.TrimRight(s, " \r")
	text := strings.TrimLeft(s, " ")
	if text == "" || text[0] == '#' || text == "---" || text == "..." || strings.HasPrefix(text, "--- ") {
		return yamlLine{}, false
	}
	l := yamlLine{n: n, indent: len(s) - len(text), at: len(s) - len(text)}
	if text == "-" || strings.HasPrefix(text, "- ") {
		l.dash = true
		rest := strings.TrimLeft(text[1:], " ")
		l.at += len(text) - len(rest)
		text = rest
	}
	text = stripComment(text)
	if k, v, ok := splitKey(text); ok {
		l.key, l.value = k, v
	} else {
		l.value = text
	}
	return l, true
}

// splitKey splits "key: value" (or "key:") outside quotes and flow
// collections.
func splitKey(s string) (key, value string, ok bool) {
	if s == "" || s[0] == '[' || s[0] == '{' || s[0] == '|' || s[0] == '>' {
		return "", "", false
	}
	i := 0
	if s[0] == '"' || s[0] == '\'' {
		j := strings.IndexByte(s[1:], s[0])
		if j < 0 {
			return "", "", false
		}
		i = j + 2
	}
	for ; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return s[:i], strings.TrimSpace(s[i+1:]), true
		}
	}
	return "", "", false
}

// stripComment removes a " # comment" outside quotes.
func stripComment(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || s[i-1] == ' ' || s[i-1] == '[' || s[i-1] == '{' || s[i-1] == ',' {
				quote = c
			}
		case c == '#' && i > 0 && s[i-1] == ' ':
			return strings.TrimRight(s[:i], " ")
		}
	}
	return s
}

// skipMultiline returns the index of the last line of the value that line
// i (read as l) starts: a block scalar, a flow collection or a quoted
// string over several lines; i itself for a value on one line.
func skipMultiline(lines []string, i int, l yamlLine) int {
	v := l.value
	switch {
	case v != "" && (v[0] == '|' || v[0] == '>'):
		for i+1 < len(lines) {
			next := strings.TrimRight(lines[i+1], " \r")
			text := strings.TrimLeft(next, " ")
			if text != "" && len(next)-len(text) <= l.at {
				break
			}
			i++
		}
	case v != "" && (v[0] == '[' || v[0] == '{'):
		depth := flowDepth(v)
		for depth > 0 && i+1 < len(lines) {
			i++
			depth += flowDepth(stripComment(strings.TrimSpace(lines[i])))
		}
	case v != "" && (v[0] == '"' || v[0] == '\'') && !closed(v):
		for i+1 < len(lines) {
			i++
			if strings.IndexByte(lines[i], v[0]) >= 0 {
				break
			}
		}
	}
	return i
}

// flowDepth returns how many more brackets s opens than it closes,
// outside quotes.
func flowDepth(s string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		}
	}
	return depth
}

// closed reports whether the quoted scalar s ends on its line.
func closed(s string) bool {
	q := s[0]
	for i := 1; i < len(s); i++ {
		if s[i] == '\\' && q == '"' {
			i++
			continue
		}
		if s[i] == q {
			return true
		}
	}
	return false
}
