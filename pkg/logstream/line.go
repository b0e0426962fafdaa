package logstream

import "time"

// SplitTimestamp splits a log line the API server sent with timestamps=true
// ("2024-05-01T10:00:00.123456789Z message") into its raw timestamp, the
// time it names and the message. When the line does not start with an RFC
// 3339 timestamp and a space, ok is false, ts is nil and msg is the whole
// line. It never allocates.
func SplitTimestamp(line []byte) (ts []byte, t time.Time, msg []byte, ok bool) {
	// The shortest timestamp is "2006-01-02T15:04:05Z" (20 bytes).
	end := -1
	for i := 20; i < len(line) && i <= 35; i++ {
		if line[i] == ' ' {
			end = i
			break
		}
	}
	if end < 0 {
		// A line that is only a timestamp: the message is empty.
		if len(line) >= 20 && len(line) <= 35 {
			if t, ok := ParseTimestamp(line); ok {
				return line, t, line[len(line):], true
			}
		}
		return nil, time.Time{}, line, false
	}
	t, ok = ParseTimestamp(line[:end])
	if !ok {
		return nil, time.Time{}, line, false
	}
	return line[:end], t, line[end+1:], true
}

// ParseTimestamp parses an RFC 3339 timestamp with optional fraction of a
// second ("2006-01-02T15:04:05.999999999Z07:00") without allocating. It
// accepts what time.Parse(time.RFC3339Nano, ...) accepts for years 0000-9999,
// except leap seconds.
func ParseTimestamp(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		scale := 1
		for i := 1; i < n; i++ {
			nsec = nsec*10 + int(rest[i]-'0')
		}
		for i := n; i < 10; i++ {
			scale *= 10
		}
		nsec *= scale
		rest = rest[n:]
	}
	off := 0
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off = (oh*60 + om) * 60
		if rest[0] == '-' {
			off = -off
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.Add(-time.Duration(off) * time.Second), true
}

// digits parses a run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days of month m of year y.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
