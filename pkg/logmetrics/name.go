package logmetrics

import "strings"

// maxWords is how many space-separated words a metric name may have.
const maxWords = 3

// maxNameLen bounds a name's length in bytes.
const maxNameLen = 64

// logLevels end a multi-word name: "INFO Test accuracy" is test_accuracy.
var logLevels = []string{"info", "warning", "warn", "error", "debug", "trace", "critical", "fatal", "notice"}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// NormalizeName returns the name under which the parser reports a metric
// printed as s: lower-cased, each run of spaces one '_'. Metric names are
// matched case-insensitively by normalizing both sides: a log line
// "Validation-accuracy=0.9", a --metric Validation-accuracy and a file's
// validation-accuracy all name the metric validation-accuracy, and "Test
// accuracy" is test_accuracy.
func NormalizeName(s string) string { return normalize(s) }

// ValidName reports whether s can name a metric the parser reports: a letter
// first, then letters, digits, spaces and _ . / @ -, at most 64 bytes
// (Katib's Validation-accuracy, Keras' val_loss, "Test accuracy").
func ValidName(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxNameLen || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isNameChar(c) && c != ' ' {
			return false
		}
	}
	return true
}

// isNameChar reports whether c may appear in a metric name word.
func isNameChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c == '.' || c == '/' || c == '@' || c == '-'
}

// nameBefore returns the normalised metric name that ends before the
// separator at line[sep].
func nameBefore(line string, sep int) (string, bool) {
	e := sep
	for e > 0 && (line[e-1] == ' ' || line[e-1] == '\t') {
		e--
	}
	if e == 0 {
		return "", false
	}
	if q := line[e-1]; q == '"' || q == '\'' {
		s := strings.LastIndexByte(line[:e-1], q)
		if s < 0 {
			return "", false
		}
		raw := line[s+1 : e-1]
		if !hasLetter(raw) || len(raw) > maxNameLen || strings.ContainsAny(raw, "\"'{}:=") {
			return "", false
		}
		return normalize(raw), true
	}
	start, end := -1, e
	s := e
	for words := 0; words < maxWords; words++ {
		ws := s
		for ws > 0 && isNameChar(line[ws-1]) {
			ws--
		}
		if ws == s || !isLetter(line[ws]) || words > 0 && isLogLevel(line[ws:s]) {
			break
		}
		start = ws
		if ws < 2 || line[ws-1] != ' ' || !isNameChar(line[ws-2]) {
			break
		}
		s = ws - 1
	}
	if start < 0 || end-start > maxNameLen {
		return "", false
	}
	raw := strings.TrimRight(line[start:end], ".-/@")
	if raw == "" {
		return "", false
	}
	return normalize(raw), true
}

func isLogLevel(w string) bool {
	for _, l := range logLevels {
		if strings.EqualFold(w, l) {
			return true
		}
	}
	return false
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if isLetter(s[i]) {
			return true
		}
	}
	return false
}

// normalize lower-cases s and turns runs of spaces into '_', allocating only
// when something changes.
func normalize(s string) string {
	s = strings.TrimSpace(s)
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c == ' ' || c == '\t' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			space = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if space {
			b.WriteByte('_')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}
