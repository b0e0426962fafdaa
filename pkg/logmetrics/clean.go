package logmetrics

import "strings"

// clean returns what a terminal would show of line: without ANSI escape
// sequences and backspaces, the last non-empty '\r' segment, no leading
// RFC3339 timestamp, trimmed. It allocates only for escapes.
func clean(line string) string {
	if strings.IndexByte(line, 0x1b) >= 0 || strings.IndexByte(line, '\b') >= 0 {
		line = stripEscapes(line)
	}
	for strings.IndexByte(line, '\r') >= 0 {
		i := strings.LastIndexByte(line, '\r')
		if strings.TrimSpace(line[i+1:]) != "" {
			line = line[i+1:]
			break
		}
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	if isTimestamp(line) {
		if i := strings.IndexByte(line, ' '); i > 0 {
			line = strings.TrimSpace(line[i:])
		} else {
			line = ""
		}
	}
	return line
}

// isTimestamp reports whether line starts like 2024-01-15T10:30:00.
func isTimestamp(s string) bool {
	if len(s) < 19 {
		return false
	}
	for i := 0; i < 19; i++ {
		c := s[i]
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != 'T' && c != 't' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		default:
			if !isDigit(c) {
				return false
			}
		}
	}
	return true
}

// stripEscapes removes ANSI CSI and OSC sequences, other two-byte escapes and
// backspaces.
func stripEscapes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\b' {
			continue
		}
		if c != 0x1b {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			break
		}
		switch s[i+1] {
		case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
		case ']': // OSC: until BEL or ESC '\'
			j := i + 2
			for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
				j++
			}
			if j < len(s) && s[j] == 0x1b {
				j++
			}
			i = j
		default:
			i++
		}
	}
	return b.String()
}

// epochMarker returns N from "Epoch N", "Epoch N/M", "Epoch [N/M]", "Epoch N:",
// "epoch #N" or "epoch: N" in line (case-insensitive, a whole word), or -1.
func epochMarker(line string) int {
	for off := 0; off < len(line); {
		i := indexFold(line[off:], "epoch")
		if i < 0 {
			return -1
		}
		i += off
		off = i + 5
		if i > 0 && (isNameChar(line[i-1])) {
			continue
		}
		j := i + 5
		for j < len(line) && line[j] == ' ' {
			j++
		}
		if j < len(line) && strings.IndexByte("[(#:=", line[j]) >= 0 {
			j++
			for j < len(line) && line[j] == ' ' {
				j++
			}
		}
		k, n := j, 0
		for k < len(line) && isDigit(line[k]) && k-j < 9 {
			n = n*10 + int(line[k]-'0')
			k++
		}
		if k == j || k < len(line) && (isLetter(line[k]) || line[k] == '_' || isDigit(line[k]) ||
			line[k] == '.' && k+1 < len(line) && isDigit(line[k+1])) {
			continue
		}
		return n
	}
	return -1
}

// indexFold is strings.Index for an ASCII lower-case needle, ignoring case.
func indexFold(s, lower string) int {
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		if s[i]|0x20 != lower[0] {
			continue
		}
		ok := true
		for k := 1; k < n; k++ {
			if s[i+k]|0x20 != lower[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// isProgress reports whether line holds a tqdm-style bar ("37%|").
func isProgress(line string) bool {
	i := strings.Index(line, "%|")
	return i > 0 && isDigit(line[i-1])
}

// stripProgress removes a tqdm bar "N%|bar| n/total [elapsed<eta, rate" and
// keeps the description before it and the postfix after it.
func stripProgress(line string) string {
	i := strings.Index(line, "%|")
	s := i
	for s > 0 && (isDigit(line[s-1]) || line[s-1] == '.') {
		s--
	}
	rest := line[i+2:]
	bar := strings.IndexByte(rest, '|')
	if bar < 0 {
		return line[:s]
	}
	rest = rest[bar+1:]
	b := strings.IndexByte(rest, '[')
	if b < 0 {
		return line[:s]
	}
	inner := rest[b+1:]
	cut := -1
	for _, unit := range []string{"it/s", "s/it", "B/s"} {
		if u := strings.Index(inner, unit); u >= 0 && (cut < 0 || u < cut) {
			cut = u + len(unit)
		}
	}
	if cut < 0 {
		if cut = strings.IndexByte(inner, ']'); cut < 0 {
			cut = len(inner)
		}
	}
	rest = inner[cut:]
	return line[:s] + " " + strings.TrimLeft(rest, ", ")
}
