package logstream

import (
	"bytes"
	"time"
)

// position is where a stream has got to: the timestamp of the last line it
// emitted, as the server wrote it, and how many emitted lines carried it.
// It is all a broken stream needs to resume without losing or repeating a
// line.
type position struct {
	raw   []byte
	count int
}

// advance records that a line with timestamp ts was emitted.
func (p *position) advance(ts []byte) {
	if len(ts) == 0 {
		return
	}
	if bytes.Equal(ts, p.raw) {
		p.count++
		return
	}
	p.raw = append(p.raw[:0], ts...)
	p.count = 1
}

// resume returns the time to ask the server to resume from and the filter
// that drops the lines the stream already emitted. ok is false when no line
// has been emitted yet: then the stream starts over with its first options.
func (p *position) resume() (since time.Time, s skipper, ok bool) {
	t, ok := ParseTimestamp(p.raw)
	if !ok {
		return time.Time{}, skipper{}, false
	}
	return t, skipper{last: t, left: p.count}, true
}

// skipper drops the lines a resumed stream repeats. The server resumes from
// sinceTime truncated to the second (metav1.Time travels as RFC 3339
// seconds), so the replay starts with lines older than the last one seen,
// then the lines that carried the last timestamp, then new lines. Lines are
// in the order of the container's log file, which the runtime writes in
// timestamp order.
type skipper struct {
	last time.Time
	left int  // lines with timestamp last still to drop
	done bool // a new line was seen: drop nothing more
}

// drop reports whether a replayed line with timestamp t (ok false when it
// has none) was already emitted.
func (s *skipper) drop(t time.Time, ok bool) bool {
	if s.done {
		return false
	}
	switch {
	case !ok:
	case t.Before(s.last):
		return true
	case t.Equal(s.last) && s.left > 0:
		s.left--
		return true
	}
	s.done = true
	return false
}
