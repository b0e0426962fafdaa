package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Event is one line of `go test -json` (see `go doc cmd/test2json`).
type Event struct {
	Action     string
	Package    string
	Test       string
	Elapsed    float64
	Output     string
	ImportPath string // of build-output and build-fail events
}

// Counts are the tests (and subtests) of a run by their outcome.
type Counts struct{ Passed, Failed, Skipped int }

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Passed += o.Passed
	c.Failed += o.Failed
	c.Skipped += o.Skipped
}

// String is the plain closing line's tail: "N passed, N failed, N skipped".
func (c Counts) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.Passed, c.Failed, c.Skipped)
}

// Skip is a test that skipped, with the reason it logged and the allow-list entry, if any.
type Skip struct {
	Package, Test, Reason string
	Allowed               *Allowed
}

// Summarizer turns the events of `go test -json` into what a person reads: the output of
// every failed test and package, build errors, one `ok` line per package that passed and,
// when Verbose, one line per finished top-level test. It counts the tests and keeps the
// skipped ones.
type Summarizer struct {
	W       io.Writer
	Verbose bool
	Allow   AllowList
	Counts  Counts
	Skips   []Skip
	// Failed lists the packages that failed (tests, build, or the test binary).
	Failed []string
	out    map[string][]string // output lines by package and test (key)
}

func key(pkg, test string) string { return pkg + "\x00" + test }

// Consume reads events until r ends; a line that is not an event is copied as it is.
func (s *Summarizer) Consume(r io.Reader) error {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			var e Event
			if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &e) == nil && e.Action != "" {
				s.Handle(e)
			} else {
				io.WriteString(s.W, line)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Handle takes one event.
func (s *Summarizer) Handle(e Event) {
	if s.out == nil {
		s.out = map[string][]string{}
	}
	k := key(e.Package, e.Test)
	switch e.Action {
	case "build-output":
		io.WriteString(s.W, e.Output)
	case "output":
		s.out[k] = append(s.out[k], e.Output)
	case "pass", "skip", "fail":
		if e.Test == "" {
			s.packageDone(e)
		} else {
			s.testDone(e, k)
		}
	}
}

// testDone counts a finished test and prints what a person needs of it.
func (s *Summarizer) testDone(e Event, k string) {
	lines := s.out[k]
	delete(s.out, k)
	top := !strings.Contains(e.Test, "/")
	switch e.Action {
	case "pass":
		s.Counts.Passed++
		if s.Verbose && top {
			fmt.Fprintf(s.W, "--- PASS: %s (%.2fs)\n", e.Test, e.Elapsed)
		}
	case "skip":
		s.Counts.Skipped++
		sk := Skip{Package: e.Package, Test: e.Test, Reason: skipReason(lines)}
		if a, ok := s.Allow.Allows(e.Package, e.Test); ok {
			sk.Allowed = &a
		}
		s.Skips = append(s.Skips, sk)
		if s.Verbose && top {
			fmt.Fprintf(s.W, "--- SKIP: %s: %s\n", e.Test, sk.Reason)
		}
	case "fail":
		s.Counts.Failed++
		writeLines(s.W, lines)
	}
}

// packageDone prints a package's result: its ok line, or everything it said when it failed
// (with the output of tests that never finished: a panic or a timeout).
func (s *Summarizer) packageDone(e Event) {
	own := s.out[key(e.Package, "")]
	var unfinished []string
	for k := range s.out {
		if pkg, test, _ := strings.Cut(k, "\x00"); pkg == e.Package && test != "" {
			unfinished = append(unfinished, k)
		}
	}
	sort.Strings(unfinished)
	if e.Action == "fail" {
		s.Failed = append(s.Failed, e.Package)
		for _, k := range unfinished {
			writeLines(s.W, s.out[k])
		}
		writeLines(s.W, own)
	} else {
		for _, l := range own {
			if strings.HasPrefix(l, "ok ") {
				io.WriteString(s.W, l)
			}
		}
	}
	for _, k := range unfinished {
		delete(s.out, k)
	}
	delete(s.out, key(e.Package, ""))
}

// writeLines writes output lines without test2json's framing (=== RUN, PAUSE, CONT, NAME).
func writeLines(w io.Writer, lines []string) {
	for _, l := range lines {
		if !isFraming(l) {
			io.WriteString(w, l)
		}
	}
}

func isFraming(l string) bool {
	for _, p := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// skipReason is what a skipped test logged (t.Skip's message), one line.
func skipReason(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || isFraming(l) || strings.HasPrefix(t, "--- ") {
			continue
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, "; ")
}
