package main

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strings"
)

// Allowed is one line of the allow-list: a test that may skip, and why.
type Allowed struct {
	Package string // the test's import path
	Test    string // its name; * stands for one element of a subtest name (path.Match)
	Reason  string
	Line    int
}

// AllowList is every test that may skip; any other skipped test fails the run.
type AllowList []Allowed

// ParseAllowList reads lines of `PACKAGE TEST REASON...`; blank lines and # comments are
// ignored, and every entry needs a reason.
func ParseAllowList(r io.Reader, name string) (AllowList, error) {
	var out AllowList
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: want PACKAGE TEST REASON, got %q", name, n, line)
		}
		if _, err := path.Match(f[1], ""); err != nil {
			return nil, fmt.Errorf("%s:%d: test pattern %q: %v", name, n, f[1], err)
		}
		out = append(out, Allowed{Package: f[0], Test: f[1], Reason: strings.Join(f[2:], " "), Line: n})
	}
	return out, sc.Err()
}

// Allows returns the entry that lets test of pkg skip, if any.
func (a AllowList) Allows(pkg, test string) (Allowed, bool) {
	for _, e := range a {
		if e.Package != pkg {
			continue
		}
		if ok, _ := path.Match(e.Test, test); ok {
			return e, true
		}
	}
	return Allowed{}, false
}
