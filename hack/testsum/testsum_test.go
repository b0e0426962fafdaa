package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// events is what `go test -json` printed for a package with a passing, a skipped, a failing
// (in a subtest) and a parallel test.
const events = `{"Action":"start","Package":"example.com/ts"}
{"Action":"run","Package":"example.com/ts","Test":"TestOK"}
{"Action":"output","Package":"example.com/ts","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}
{"Action":"pass","Package":"example.com/ts","Test":"TestOK","Elapsed":0}
{"Action":"run","Package":"example.com/ts","Test":"TestSkip"}
{"Action":"output","Package":"example.com/ts","Test":"TestSkip","Output":"=== RUN   TestSkip\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestSkip","Output":"    a_test.go:6: needs a browser\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestSkip","Output":"--- SKIP: TestSkip (0.00s)\n"}
{"Action":"skip","Package":"example.com/ts","Test":"TestSkip","Elapsed":0}
{"Action":"run","Package":"example.com/ts","Test":"TestFail"}
{"Action":"output","Package":"example.com/ts","Test":"TestFail","Output":"=== RUN   TestFail\n"}
{"Action":"run","Package":"example.com/ts","Test":"TestFail/sub"}
{"Action":"output","Package":"example.com/ts","Test":"TestFail/sub","Output":"=== RUN   TestFail/sub\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestFail/sub","Output":"    a_test.go:8: detail\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestFail/sub","Output":"    a_test.go:8: boom\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestFail/sub","Output":"--- FAIL: TestFail/sub (0.00s)\n"}
{"Action":"fail","Package":"example.com/ts","Test":"TestFail/sub","Elapsed":0}
{"Action":"output","Package":"example.com/ts","Test":"TestFail","Output":"--- FAIL: TestFail (0.00s)\n"}
{"Action":"fail","Package":"example.com/ts","Test":"TestFail","Elapsed":0}
{"Action":"run","Package":"example.com/ts","Test":"TestParallel"}
{"Action":"output","Package":"example.com/ts","Test":"TestParallel","Output":"=== RUN   TestParallel\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestParallel","Output":"=== PAUSE TestParallel\n"}
{"Action":"pause","Package":"example.com/ts","Test":"TestParallel"}
{"Action":"cont","Package":"example.com/ts","Test":"TestParallel"}
{"Action":"output","Package":"example.com/ts","Test":"TestParallel","Output":"=== CONT  TestParallel\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestParallel","Output":"    a_test.go:10: quiet\n"}
{"Action":"output","Package":"example.com/ts","Test":"TestParallel","Output":"--- PASS: TestParallel (0.00s)\n"}
{"Action":"pass","Package":"example.com/ts","Test":"TestParallel","Elapsed":0.5}
{"Action":"output","Package":"example.com/ts","Output":"FAIL\n"}
{"Action":"output","Package":"example.com/ts","Output":"FAIL\texample.com/ts\t0.081s\n"}
{"Action":"fail","Package":"example.com/ts","Elapsed":0.087}
{"Action":"start","Package":"example.com/ts/ok"}
{"Action":"run","Package":"example.com/ts/ok","Test":"TestA"}
{"Action":"output","Package":"example.com/ts/ok","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"example.com/ts/ok","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}
{"Action":"pass","Package":"example.com/ts/ok","Test":"TestA","Elapsed":0}
{"Action":"output","Package":"example.com/ts/ok","Output":"PASS\n"}
{"Action":"output","Package":"example.com/ts/ok","Output":"ok  \texample.com/ts/ok\t0.010s\n"}
{"Action":"pass","Package":"example.com/ts/ok","Elapsed":0.01}
`

func TestSummarizer(t *testing.T) {
	allow := AllowList{{Package: "example.com/ts", Test: "TestSkip", Reason: "no browser here", Line: 3}}
	tests := map[string]struct {
		verbose bool
		want    string
	}{
		"quiet: failures and ok lines": {want: `    a_test.go:8: detail
    a_test.go:8: boom
--- FAIL: TestFail/sub (0.00s)
--- FAIL: TestFail (0.00s)
FAIL
FAIL	example.com/ts	0.081s
ok  	example.com/ts/ok	0.010s
`},
		"verbose: a line per top-level test": {verbose: true, want: `--- PASS: TestOK (0.00s)
--- SKIP: TestSkip: a_test.go:6: needs a browser
    a_test.go:8: detail
    a_test.go:8: boom
--- FAIL: TestFail/sub (0.00s)
--- FAIL: TestFail (0.00s)
--- PASS: TestParallel (0.50s)
FAIL
FAIL	example.com/ts	0.081s
--- PASS: TestA (0.00s)
ok  	example.com/ts/ok	0.010s
`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			s := &Summarizer{W: &b, Verbose: tt.verbose, Allow: allow}
			if err := s.Consume(strings.NewReader(events + "not json\n")); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want+"not json\n", b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(Counts{Passed: 3, Failed: 2, Skipped: 1}, s.Counts); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			want := []Skip{{Package: "example.com/ts", Test: "TestSkip", Reason: "a_test.go:6: needs a browser", Allowed: &allow[0]}}
			if diff := cmp.Diff(want, s.Skips); diff != "" {
				t.Errorf("skips (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"example.com/ts"}, s.Failed); diff != "" {
				t.Errorf("failed packages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSummarizerUnfinishedTest: when the test binary dies (a panic, a timeout), the output
// of the test that was running is shown with the package's.
func TestSummarizerUnfinishedTest(t *testing.T) {
	stream := `{"Action":"run","Package":"p","Test":"TestBoom"}
{"Action":"output","Package":"p","Test":"TestBoom","Output":"=== RUN   TestBoom\n"}
{"Action":"output","Package":"p","Test":"TestBoom","Output":"    boom_test.go:5: about to panic\n"}
{"Action":"output","Package":"p","Output":"panic: boom\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}
{"Action":"fail","Package":"p","Elapsed":0.01}
{"Action":"build-output","ImportPath":"q [q.test]","Output":"q/x_test.go:3:2: undefined: nope\n"}
{"Action":"build-fail","ImportPath":"q [q.test]"}
`
	var b bytes.Buffer
	s := &Summarizer{W: &b}
	if err := s.Consume(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	want := "    boom_test.go:5: about to panic\npanic: boom\nFAIL\tp\t0.01s\nq/x_test.go:3:2: undefined: nope\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if len(s.Failed) != 1 || len(s.out) != 0 {
		t.Errorf("failed %v, buffers left %d", s.Failed, len(s.out))
	}
}

func TestParseAllowList(t *testing.T) {
	in := `# comment

example.com/ts TestSkip needs a browser: runs in CI
example.com/ts TestProps/*/discrete   the algorithm refuses discrete spaces
`
	a, err := ParseAllowList(strings.NewReader(in), "skips.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pkg, test string
		line      int
	}{
		{"example.com/ts", "TestSkip", 3},
		{"example.com/ts", "TestProps/cmaes/discrete", 4},
		{"example.com/ts", "TestProps/cmaes/continuous", 0},
		{"example.com/ts", "TestProps/a/b/discrete", 0},
		{"example.com/other", "TestSkip", 0},
		{"example.com/ts", "TestSkipMore", 0},
	} {
		e, ok := a.Allows(tc.pkg, tc.test)
		if ok != (tc.line != 0) || e.Line != tc.line {
			t.Errorf("Allows(%s, %s) = line %d, %v; want line %d", tc.pkg, tc.test, e.Line, ok, tc.line)
		}
	}
	if e, _ := a.Allows("example.com/ts", "TestSkip"); e.Reason != "needs a browser: runs in CI" {
		t.Errorf("reason = %q", e.Reason)
	}
	for _, bad := range []string{"example.com/ts TestSkip\n", "example.com/ts Test[ reason\n"} {
		if _, err := ParseAllowList(strings.NewReader(bad), "skips.txt"); err == nil || !strings.Contains(err.Error(), "skips.txt:1") {
			t.Errorf("%q: err = %v, want one naming skips.txt:1", bad, err)
		}
	}
}

// TestRun runs go test on a small module: its exit status follows the tests and the
// allow-list, and it prints the per-module count and the closing line.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/ts\n\ngo 1.26\n")
	write("a_test.go", `package ts

import "testing"

func TestOK(t *testing.T)   {}
func TestSkip(t *testing.T) { t.Skip("needs a browser") }
func TestFail(t *testing.T) { t.Error("boom") }
`)
	allowed := filepath.Join(dir, "skips.txt")
	write("skips.txt", "example.com/ts TestSkip the browser test runs elsewhere\n")
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "")
	record := filepath.Join(dir, "record")
	tests := map[string]struct {
		args   []string
		status int
		want   []string
	}{
		"a test fails": {args: []string{"-m", dir, "-label", "unit", "-record", record, "--", "-count=1", "-run", "TestOK|TestFail", "."},
			status: 1, want: []string{"a_test.go:7: boom", "--- FAIL: TestFail", "== module " + dir + ": 1 passed, 1 failed, 0 skipped\n", "\nunit: 1 passed, 1 failed, 0 skipped\n"}},
		"a skip not allowed": {args: []string{"-m", dir, "--", "-count=1", "-run", "TestOK|TestSkip", "."},
			status: 1, want: []string{"SKIPPED, NOT ALLOWED: example.com/ts TestSkip: a_test.go:6: needs a browser\n", "\ntests: 1 passed, 0 failed, 1 skipped\n"}},
		"an allowed skip": {args: []string{"-allow", allowed, "-m", dir, "-record", record, "--", "-count=1", "-run", "TestOK|TestSkip", "."},
			status: 0, want: []string{"skipped (allowed, " + allowed + ":1: the browser test runs elsewhere): example.com/ts TestSkip\n", "ok  \texample.com/ts\t"}},
		"go test cannot run": {args: []string{"-m", filepath.Join(dir, "missing"), "--", "."}, status: 1},
		"no test ran": {args: []string{"-m", dir, "--", "-count=1", "-run", "TestNone", "."},
			status: 1, want: []string{"no test ran"}},
	}
	for _, name := range []string{"a test fails", "a skip not allowed", "an allowed skip", "go test cannot run", "no test ran"} {
		tt := tests[name]
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if got := run(tt.args, &out, &errOut); got != tt.status {
				t.Errorf("status %d, want %d\n%s%s", got, tt.status, out.String(), errOut.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
	var out bytes.Buffer
	if got := run([]string{"-total", record}, &out, &out); got != 0 {
		t.Fatalf("-total: status %d\n%s", got, out.String())
	}
	want := "  unit:    1 passed, 1 failed, 0 skipped\n  tests:   1 passed, 0 failed, 1 skipped\ntotal: 2 passed, 1 failed, 1 skipped\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("-total (-want +got):\n%s", diff)
	}
}

// TestRepoAllowList: the project's allow-list parses, and every entry names a test of this
// repository's module with a reason.
func TestRepoAllowList(t *testing.T) {
	f, err := os.Open("../test-skips.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := ParseAllowList(f, "hack/test-skips.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 {
		t.Fatal("hack/test-skips.txt allows nothing")
	}
	for _, e := range a {
		if !strings.HasPrefix(e.Package, "github.com/mlexp/kubectl-mlexp/") || !strings.HasPrefix(e.Test, "Test") {
			t.Errorf("hack/test-skips.txt:%d: %s %s is not a test of this repository", e.Line, e.Package, e.Test)
		}
	}
}
