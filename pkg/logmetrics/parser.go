package logmetrics

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Point is one observation of a metric.
type Point struct {
	Name  string  // normalised metric name, e.g. test_accuracy
	Value float64 // may be NaN or ±Inf
	Step  int     // epoch the point belongs to, or -1 when unknown
	Line  int     // 1-based line number in a Series, 0 from ParseLine
}

// Parser extracts metrics from log lines; the zero value (and nil) uses the
// built-in rules only. A Parser is safe for concurrent use.
type Parser struct {
	custom []customPattern
}

type customPattern struct {
	re    *regexp.Regexp
	names []string // normalised group names by subexpression index, "" for unnamed
	pair  bool     // a filter: group 1 is the metric's name, group 2 its value
}

// New returns a parser that also applies the given regular expressions, each
// with at least one named group (?P<metric>...) whose name is a metric name.
func New(patterns []string) (*Parser, error) {
	return NewWithFilters(patterns, nil)
}

// NewWithFilters is New with filters as well: regular expressions in the
// form of Katib's metricsFormat, whose first group matches a metric's name
// and second group its value, e.g. `([\w-]+)\s*:\s*([+-]?\d*\.?\d+)`.
func NewWithFilters(patterns, filters []string) (*Parser, error) {
	p := &Parser{}
	for _, f := range filters {
		re, err := regexp.Compile(f)
		if err != nil {
			return nil, fmt.Errorf("metric filter %q: %w", f, err)
		}
		if re.NumSubexp() < 2 {
			return nil, fmt.Errorf("metric filter %q: want two groups, the metric's name and its value", f)
		}
		p.custom = append(p.custom, customPattern{re: re, pair: true})
	}
	for _, pat := range patterns {
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("metric pattern %q: %w", pat, err)
		}
		cp := customPattern{re: re, names: make([]string, len(re.SubexpNames()))}
		named := false
		for i, n := range re.SubexpNames() {
			if n != "" {
				cp.names[i] = normalize(n)
				named = true
			}
		}
		if !named {
			return nil, fmt.Errorf("metric pattern %q has no named group like (?P<accuracy>[0-9.]+)", pat)
		}
		p.custom = append(p.custom, cp)
	}
	return p, nil
}

// ParseLine returns the metrics in one log line, in the order they appear. Step
// is the epoch the line itself names, else -1; Line is 0.
func (p *Parser) ParseLine(line string) []Point {
	pts, _ := p.appendPoints(nil, line)
	return pts
}

// AppendPoints is ParseLine appending to dst, to reuse one buffer over many lines.
func (p *Parser) AppendPoints(dst []Point, line string) []Point {
	dst, _ = p.appendPoints(dst, line)
	return dst
}

// appendPoints appends the line's points to dst and returns the epoch the line
// names (-1 if none), which is also the Step of every appended point.
func (p *Parser) appendPoints(dst []Point, line string) ([]Point, int) {
	line = clean(line)
	if line == "" {
		return dst, -1
	}
	start := len(dst)
	step := epochMarker(line)
	body := line
	if isProgress(body) {
		body = stripProgress(body)
	}
	dst = scan(dst, body, &step)
	if p != nil && len(p.custom) > 0 {
		dst = p.applyCustom(dst, start, line, &step)
	}
	for i := start; i < len(dst); i++ {
		dst[i].Step = step
	}
	return dst, step
}

// applyCustom appends the custom patterns' points and drops built-in points
// of the same names on this line.
func (p *Parser) applyCustom(dst []Point, start int, line string, step *int) []Point {
	builtinEnd := len(dst)
	for _, cp := range p.custom {
		for _, m := range cp.re.FindAllStringSubmatchIndex(line, -1) {
			if cp.pair {
				if m[2] >= 0 && m[4] >= 0 {
					dst = appendCustom(dst, step, normalize(line[m[2]:m[3]]), line[m[4]:m[5]])
				}
				continue
			}
			for g, name := range cp.names {
				if name == "" || m[2*g] < 0 {
					continue
				}
				dst = appendCustom(dst, step, name, line[m[2*g]:m[2*g+1]])
			}
		}
	}
	if len(dst) == builtinEnd {
		return dst
	}
	out := dst[:start]
	for i, pt := range dst {
		if i < start {
			continue
		}
		if i < builtinEnd && hasName(dst[builtinEnd:], pt.Name) {
			continue
		}
		out = append(out, pt)
	}
	return out
}

// appendCustom appends the point a pattern or filter matched, when text is
// a number; a metric named epoch sets *step instead.
func appendCustom(dst []Point, step *int, name, text string) []Point {
	text = strings.TrimSpace(text)
	v, end, _, ok := parseValue(text, 0)
	if name == "" || !ok || end != len(text) && strings.TrimSpace(text[end:]) != "%" {
		return dst
	}
	if name == "epoch" {
		setStep(step, v)
		return dst
	}
	return append(dst, Point{Name: name, Value: v})
}

// hasName reports whether pts has a point named name, or name is that name
// plus the built-in percentage suffix.
func hasName(pts []Point, name string) bool {
	for _, p := range pts {
		if p.Name == name || len(name) == len(p.Name)+4 && name[:len(p.Name)] == p.Name && name[len(p.Name):] == "_pct" {
			return true
		}
	}
	return false
}

// setStep sets *step to the integer part of v when v is a sane epoch number.
func setStep(step *int, v float64) {
	if v >= 0 && v < 1e9 {
		*step = int(math.Floor(v))
	}
}

// scan appends the NAME SEP VALUE points of a cleaned line; epoch names set *step.
func scan(dst []Point, line string, step *int) []Point {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != ':' && c != '=' {
			continue
		}
		if i+1 < len(line) && (line[i+1] == '=' || line[i+1] == ':') { // ==, :=, ::
			i++
			continue
		}
		if c == '=' && i > 0 && strings.IndexByte("!<>=:+-*/", line[i-1]) >= 0 {
			continue
		}
		j := i + 1
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		spaced := j > i+1
		if strings.HasPrefix(line[j:], "tensor(") {
			j += len("tensor(")
		}
		v, end, isInt, ok := parseValue(line, j)
		if !ok {
			continue
		}
		k, pct := end, false
		if k < len(line) && line[k] == '%' {
			k, pct = k+1, true
		} else if k+1 < len(line) && line[k] == ' ' && line[k+1] == '%' {
			k, pct = k+2, true
		}
		if !pct && !boundary(line, k) || c == ':' && !spaced && isInt {
			continue
		}
		name, ok := nameBefore(line, i)
		if !ok {
			continue
		}
		i = end - 1
		switch {
		case name == "epoch" || strings.HasSuffix(name, "_epoch"):
			setStep(step, v)
			continue
		case name == "v_num":
			continue
		case pct:
			name += "_pct"
		}
		dst = append(dst, Point{Name: name, Value: v})
	}
	return dst
}

// boundary reports whether a number ending at k really ends there.
func boundary(line string, k int) bool {
	if k >= len(line) {
		return true
	}
	c := line[k]
	if isLetter(c) || c == '_' || isDigit(c) {
		return false
	}
	if strings.IndexByte(".:/-,", c) >= 0 && k+1 < len(line) && isDigit(line[k+1]) {
		return false
	}
	return true
}

// parseValue reads a number, nan or inf at line[j:]. isInt is true for plain
// integers.
func parseValue(line string, j int) (v float64, end int, isInt, ok bool) {
	k := j
	neg := false
	if k < len(line) && (line[k] == '+' || line[k] == '-') {
		neg = line[k] == '-'
		k++
	}
	if w := word(line, k); w != "" {
		switch {
		case strings.EqualFold(w, "nan"):
			return math.NaN(), k + len(w), false, true
		case strings.EqualFold(w, "inf"), strings.EqualFold(w, "infinity"):
			if neg {
				return math.Inf(-1), k + len(w), false, true
			}
			return math.Inf(1), k + len(w), false, true
		}
		return 0, 0, false, false
	}
	digits := 0
	for k < len(line) && isDigit(line[k]) {
		k++
		digits++
	}
	isInt = true
	if k < len(line) && line[k] == '.' {
		isInt = false
		k++
		for k < len(line) && isDigit(line[k]) {
			k++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, false, false
	}
	if k < len(line) && (line[k] == 'e' || line[k] == 'E') {
		e := k + 1
		if e < len(line) && (line[e] == '+' || line[e] == '-') {
			e++
		}
		if e < len(line) && isDigit(line[e]) {
			for e < len(line) && isDigit(line[e]) {
				e++
			}
			k, isInt = e, false
		}
	}
	v, err := strconv.ParseFloat(line[j:k], 64)
	if err != nil && !math.IsInf(v, 0) {
		return 0, 0, false, false
	}
	return v, k, isInt, true
}

// word returns the run of ASCII letters at line[k:], if it is at most 8 long
// and not followed by a name character.
func word(line string, k int) string {
	e := k
	for e < len(line) && isLetter(line[e]) && e-k <= 8 {
		e++
	}
	if e == k || e < len(line) && isNameChar(line[e]) {
		return ""
	}
	return line[k:e]
}
