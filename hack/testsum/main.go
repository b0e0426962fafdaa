// Command testsum runs `go test -json` in one or more modules and says what happened in a
// form a person reads: the output of failed tests, an ok line per package, the count of
// passed, failed and skipped tests per module, and every skipped test with its reason. It
// fails when go test fails or when a test skipped that the allow-list does not name, so a
// test that CI should run cannot quietly skip (a missing browser, shell or queue), and
// when no test ran at all.
//
//	go run ./hack/testsum [-allow FILE] [-v] [-label NAME] [-record FILE] [-m DIR]... [--] GO-TEST-ARGS
//	go run ./hack/testsum -total FILE
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// dirs is the repeatable -m flag.
type dirs []string

// String joins the values (flag.Value).
func (d *dirs) String() string { return strings.Join(*d, " ") }

// Set appends a value (flag.Value).
func (d *dirs) Set(v string) error { *d = append(*d, v); return nil }

// options are testsum's flags.
type options struct {
	allow, label, record, total string
	verbose                     bool
	modules                     dirs
	goArgs                      []string
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("testsum", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.allow, "allow", "", "the tests that may skip (PACKAGE TEST REASON lines); any other skip fails")
	fs.StringVar(&o.label, "label", "tests", "one word naming the run in the closing line")
	fs.StringVar(&o.record, "record", "", "append the run's counts to this file (for -total)")
	fs.StringVar(&o.total, "total", "", "print the counts recorded in this file and their total, and exit")
	fs.BoolVar(&o.verbose, "v", false, "a line per finished top-level test (for long runs)")
	fs.Var(&o.modules, "m", "a module directory to run go test in (repeatable; default .)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if strings.ContainsAny(o.label, " \t:") || o.label == "" {
		return o, fmt.Errorf("-label: want one word, got %q", o.label)
	}
	o.goArgs = fs.Args()
	if len(o.modules) == 0 {
		o.modules = dirs{"."}
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "testsum:", err)
		return 2
	}
	if o.total != "" {
		if err := printTotal(stdout, o.total); err != nil {
			fmt.Fprintln(stderr, "testsum:", err)
			return 1
		}
		return 0
	}
	var allow AllowList
	if o.allow != "" {
		f, err := os.Open(o.allow)
		if err != nil {
			fmt.Fprintln(stderr, "testsum:", err)
			return 2
		}
		allow, err = ParseAllowList(f, o.allow)
		f.Close()
		if err != nil {
			fmt.Fprintln(stderr, "testsum:", err)
			return 2
		}
	}
	var total Counts
	var skips []Skip
	ok := true
	for _, m := range o.modules {
		s := &Summarizer{W: stdout, Verbose: o.verbose, Allow: allow}
		fmt.Fprintf(stdout, "== go test %s (module %s)\n", strings.Join(o.goArgs, " "), m)
		if err := goTest(m, o.goArgs, s, stderr); err != nil {
			fmt.Fprintf(stdout, "go test in %s: %v\n", m, err)
			ok = false
		}
		if s.Counts.Failed > 0 || len(s.Failed) > 0 {
			ok = false
		}
		fmt.Fprintf(stdout, "== module %s: %s\n", m, s.Counts)
		total.Add(s.Counts)
		skips = append(skips, s.Skips...)
	}
	if !reportSkips(stdout, skips, o.allow) {
		ok = false
	}
	if total == (Counts{}) {
		fmt.Fprintln(stdout, "no test ran: check the packages and -run pattern")
		ok = false
	}
	fmt.Fprintf(stdout, "%s: %s\n", o.label, total)
	if o.record != "" {
		if err := appendRecord(o.record, o.label, total); err != nil {
			fmt.Fprintln(stderr, "testsum:", err)
			ok = false
		}
	}
	if !ok {
		return 1
	}
	return 0
}

// goTest runs `go test -json ARGS` in dir, feeding its events to s; go's own messages
// (downloads, a build that cannot start) go to stderr.
func goTest(dir string, args []string, s *Summarizer, stderr io.Writer) error {
	cmd := exec.Command("go", append([]string{"test", "-json"}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	consumeErr := s.Consume(out)
	return errors.Join(consumeErr, cmd.Wait())
}

// reportSkips lists the skipped tests with their reasons; it returns false when one of
// them is not on the allow-list.
func reportSkips(w io.Writer, skips []Skip, allowFile string) bool {
	ok := true
	for _, sk := range skips {
		if sk.Allowed != nil {
			fmt.Fprintf(w, "skipped (allowed, %s:%d: %s): %s %s\n", allowFile, sk.Allowed.Line, sk.Allowed.Reason, sk.Package, sk.Test)
			continue
		}
		ok = false
		fmt.Fprintf(w, "SKIPPED, NOT ALLOWED: %s %s: %s\n", sk.Package, sk.Test, sk.Reason)
	}
	if !ok {
		where := "an allow-list (-allow FILE)"
		if allowFile != "" {
			where = allowFile
		}
		fmt.Fprintf(w, "a test that CI should run skipped: install what it needs, or name it in %s with the reason\n", where)
	}
	return ok
}

// appendRecord appends `LABEL PASSED FAILED SKIPPED` to the record file.
func appendRecord(path, label string, c Counts) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "%s %d %d %d\n", label, c.Passed, c.Failed, c.Skipped); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// printTotal prints every recorded run and the total.
func printTotal(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var total Counts
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var label string
		var c Counts
		if _, err := fmt.Sscanf(sc.Text(), "%s %d %d %d", &label, &c.Passed, &c.Failed, &c.Skipped); err != nil {
			return fmt.Errorf("%s:%d: %v", path, n, err)
		}
		fmt.Fprintf(w, "  %-8s %s\n", label+":", c)
		total.Add(c)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "total: %s\n", total)
	return nil
}
