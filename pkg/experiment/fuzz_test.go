package experiment_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

// FuzzParse checks that no input makes Parse or Render panic, and that
// every error names the file.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../../examples/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "- script: $REPO/m\n  args: [[1, a, 0.5]]\n", "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\n",
		"apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nmetadata: {name: x}\nspec:\n  parameters: {grid: {a: [1, 2]}}\n" +
			"  template: {spec: {backoffLimit: \"${a}\", template: {spec: {containers: [{name: c, image: \"i:${a}\"}]}}}}\n",
	} {
		f.Add([]byte(s))
	}
	opts := experiment.Options{Getenv: func(k string) (string, bool) { return "r.io", k == "REPO" }}
	f.Fuzz(func(t *testing.T, data []byte) {
		exp, err := experiment.Parse("f.yaml", data, opts)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if exp.Space.Validate() != nil {
			t.Fatalf("Parse accepted a space Validate rejects")
		}
		if exp.Space.Size() > 200 {
			return // valid, and too slow to render under the fuzzer
		}
		trials, _, err := render.Render(exp)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("render error without the file name: %v", err)
			}
			return
		}
		for _, tr := range trials {
			if tr.Job == nil || tr.Job.Name != tr.Name || len(tr.Job.Spec.Template.Spec.Containers) == 0 {
				t.Fatalf("bad trial %+v", tr)
			}
		}
	})
}
