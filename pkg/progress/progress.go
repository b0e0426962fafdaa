// Package progress reports how far a long batch of requests has got: a
// redrawn line on a terminal (done/total, rate, ETA) and one summary line
// elsewhere, so a pipe or a log file gets no control characters.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Threshold is the batch size above which commands show progress: below
// it a batch is over before a person would read a bar.
const Threshold = 50

// Meter counts finished steps of a batch; it is safe for concurrent use.
type Meter struct {
	w     io.Writer
	verb  string // "applying", "reading logs"
	total int
	tty   bool
	now   func() time.Time

	mu       sync.Mutex
	n        int
	start    time.Time
	lastDraw time.Time
	drawn    bool
}

// New returns a meter of total steps writing to w; tty says whether w is a
// terminal (redraw) or not (one summary line at Done). now is nil for
// time.Now. A meter of total <= Threshold writes nothing.
func New(w io.Writer, verb string, total int, tty bool, now func() time.Time) *Meter {
	if now == nil {
		now = time.Now
	}
	m := &Meter{w: w, verb: verb, total: total, tty: tty, now: now}
	m.start = now()
	return m
}

func (m *Meter) on() bool { return m.total > Threshold }

// Step records one finished step and, on a terminal, redraws the line at
// most ten times a second (and at the last step).
func (m *Meter) Step() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n++
	if !m.on() || !m.tty {
		return
	}
	t := m.now()
	if m.n != m.total && m.drawn && t.Sub(m.lastDraw) < 100*time.Millisecond {
		return
	}
	m.lastDraw, m.drawn = t, true
	fmt.Fprintf(m.w, "\r\x1b[K%s", m.Line(t))
}

// Line renders e.g. "applying [=====     ] 120/500 (240/s, ETA 2s)".
func (m *Meter) Line(t time.Time) string {
	const width = 30
	done := 0
	if m.total > 0 {
		done = width * m.n / m.total
	}
	line := fmt.Sprintf("%s [%s%s] %d/%d", m.verb, strings.Repeat("=", done), strings.Repeat(" ", width-done), m.n, m.total)
	el := t.Sub(m.start).Seconds()
	if el <= 0 || m.n == 0 {
		return line
	}
	rate := float64(m.n) / el
	eta := time.Duration(float64(m.total-m.n) / rate * float64(time.Second)).Round(time.Second)
	return fmt.Sprintf("%s (%s/s, ETA %s)", line, formatRate(rate), eta)
}

// Done ends the meter: a terminal's line is ended, and elsewhere one line
// sums the batch up, e.g. "applying: 500/500 in 2.1s (238/s)".
func (m *Meter) Done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.on() {
		return
	}
	if m.tty {
		if m.drawn {
			fmt.Fprintln(m.w)
		}
		return
	}
	el := m.now().Sub(m.start)
	rate := 0.0
	if el > 0 {
		rate = float64(m.n) / el.Seconds()
	}
	fmt.Fprintf(m.w, "%s: %d/%d in %s (%s/s)\n", m.verb, m.n, m.total, el.Round(100*time.Millisecond), formatRate(rate))
}

func formatRate(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.1f", r)
}
