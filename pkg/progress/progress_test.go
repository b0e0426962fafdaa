package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestMeterOnATerminal(t *testing.T) {
	var b bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	m := New(&b, "applying", 100, true, c.now)
	for i := 0; i < 50; i++ {
		c.t = c.t.Add(20 * time.Millisecond)
		m.Step()
	}
	want := "applying [===============               ] 50/100 (50/s, ETA 1s)"
	if got := m.Line(c.t); got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	for i := 0; i < 50; i++ {
		m.Step()
	}
	m.Done()
	out := b.String()
	if !strings.HasPrefix(out, "\r\x1b[Kapplying [") || !strings.HasSuffix(out, "100/100 (100/s, ETA 0s)\n") {
		t.Errorf("terminal output %q", out)
	}
	// Redrawn at most every 100ms (of the fake clock) and at the end.
	if n := strings.Count(out, "\r"); n < 5 || n > 12 {
		t.Errorf("%d redraws, want about 10", n)
	}
}

func TestMeterInAPipeWritesOneLine(t *testing.T) {
	var b bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	m := New(&b, "reading logs", 60, false, c.now)
	for i := 0; i < 60; i++ {
		m.Step()
	}
	c.t = c.t.Add(3 * time.Second)
	m.Done()
	if want := "reading logs: 60/60 in 3s (20/s)\n"; b.String() != want {
		t.Errorf("pipe output %q, want %q", b.String(), want)
	}
}

func TestSmallBatchesAreSilent(t *testing.T) {
	var b bytes.Buffer
	for _, tty := range []bool{true, false} {
		m := New(&b, "applying", Threshold, tty, nil)
		for i := 0; i < Threshold; i++ {
			m.Step()
		}
		m.Done()
	}
	if b.Len() != 0 {
		t.Errorf("a batch of %d wrote %q", Threshold, b.String())
	}
}
