// Package arch checks the layers docs/architecture.md draws: verbs under
// pkg/cmd import domain packages, never another verb; domain packages
// never import pkg/cmd or cobra.
package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/mlexp/kubectl-mlexp"

// testSuffix marks the imports of a package's tests.
const testSuffix = " (test)"

// cmdPrefix is the import path of the commands; cmdShared the one
// package under it every verb may import.
const (
	cmdPrefix = module + "/pkg/cmd"
	cmdShared = cmdPrefix + "/common"
)

// mayImportCmd are the packages outside pkg/cmd that may import it: the
// binary, and the tools that need the command tree (generated docs) or
// drive a verb (the scale benchmark).
var mayImportCmd = map[string]bool{
	module + "/cmd/kubectl-mlexp": true,
	module + "/hack/gendocs":      true,
	module + "/hack/bench":        true,
}

// testOnly are the imports between verbs that only tests make, with why:
// each test that drives two verbs in turn is one entry here.
var testOnly = map[string]string{
	// A re-submit after a retry must change nothing: the test runs submit,
	// retry, submit on one fake cluster.
	cmdPrefix + "/submit -> " + cmdPrefix + "/retry": "lifecycle_test.go",
}

// imports maps each package of the module (by import path) to the
// imports of its files, every build tag included; the imports of its
// _test.go files go under the path plus " (test)".
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at the module root %s: %v", root, err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); p != root && err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		pkg := path.Join(module, filepath.ToSlash(rel))
		if strings.HasSuffix(p, "_test.go") {
			pkg += testSuffix
		}
		for _, imp := range f.Imports {
			v, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			out[pkg] = append(out[pkg], v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out[cmdPrefix]) == 0 {
		t.Fatalf("read no imports of %s: is %s the module root?", cmdPrefix, root)
	}
	return out
}

// verbOf returns the verb package p belongs to ("" outside pkg/cmd and
// for the root command and the shared package): pkg/cmd/submit for
// pkg/cmd/submit and its subpackages.
func verbOf(p string) string {
	rest, ok := strings.CutPrefix(p, cmdPrefix+"/")
	if !ok {
		return ""
	}
	v := cmdPrefix + "/" + strings.SplitN(rest, "/", 2)[0]
	if v == cmdShared {
		return ""
	}
	return v
}

func under(p, prefix string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }

// violations lists the imports that break the layers, as "from -> to".
func violations(pkgs map[string][]string) []string {
	var bad []string
	for key, imps := range pkgs {
		from, test := strings.CutSuffix(key, testSuffix)
		for _, to := range imps {
			if test && testOnly[from+" -> "+to] != "" {
				continue
			}
			switch {
			case under(from, cmdPrefix) && from != cmdPrefix && verbOf(to) != "" && verbOf(to) != verbOf(from):
				// A verb (or the shared package) imports another verb; only
				// the root command gathers them.
				bad = append(bad, from+" -> "+to)
			case !under(from, cmdPrefix) && under(to, cmdPrefix) && !mayImportCmd[from]:
				bad = append(bad, from+" -> "+to)
			case under(from, module+"/pkg") && !under(from, cmdPrefix) && under(to, "github.com/spf13/cobra"):
				bad = append(bad, from+" -> "+to)
			}
		}
	}
	sort.Strings(bad)
	return slices.Compact(bad)
}

// TestLayers: no verb under pkg/cmd imports another verb, no package
// outside pkg/cmd imports it (but the binary and two tools), no domain
// package imports cobra.
func TestLayers(t *testing.T) {
	for _, v := range violations(imports(t)) {
		t.Errorf("import breaks the layers of docs/architecture.md: %s", v)
	}
}

// TestViolations: each rule catches what it is for, and lets through
// what the layers allow.
func TestViolations(t *testing.T) {
	pkgs := map[string][]string{
		cmdPrefix:                          {cmdPrefix + "/submit", cmdPrefix + "/wait"},
		cmdPrefix + "/submit":              {cmdPrefix + "/wait", cmdShared, module + "/pkg/trial"},
		cmdPrefix + "/submit/inner":        {cmdPrefix + "/submit"},
		cmdShared:                          {cmdPrefix + "/status"},
		module + "/pkg/trial":              {cmdShared, "github.com/spf13/cobra"},
		module + "/test/e2e":               {cmdPrefix + "/wait"},
		module + "/cmd/kubectl-mlexp":      {cmdPrefix},
		module + "/pkg/drive":              {module + "/pkg/trial"},
		cmdPrefix + "/submit" + testSuffix: {cmdPrefix + "/retry", cmdPrefix + "/status"},
		cmdPrefix + "/retry" + testSuffix:  {cmdPrefix + "/submit"},
		module + "/hack/gendocs":           {cmdPrefix},
		cmdPrefix + "/wait":                {cmdShared, "github.com/spf13/cobra"},
		cmdPrefix + "/describe":            {module + "/pkg/trialevents"},
	}
	got := violations(pkgs)
	want := []string{
		cmdShared + " -> " + cmdPrefix + "/status",
		cmdPrefix + "/submit -> " + cmdPrefix + "/wait",
		cmdPrefix + "/submit -> " + cmdPrefix + "/status",
		cmdPrefix + "/retry -> " + cmdPrefix + "/submit",
		module + "/pkg/trial -> " + cmdShared,
		module + "/pkg/trial -> github.com/spf13/cobra",
		module + "/test/e2e -> " + cmdPrefix + "/wait",
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
