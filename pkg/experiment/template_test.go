package experiment

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTemplateJSON(t *testing.T) {
	in := head + "  parameters:\n    grid:\n      model: [m1]\n      n: [3]\n  template:\n    metadata: {labels: {a: \"x\\\"y\"}}\n" +
		"    spec:\n      parallelism: \"${n}\"\n      template:\n        spec:\n          containers:\n" +
		"          - name: ml\n            image: \"img:${model}\"\n            env: [{name: A, value: \"\\u00e9\\t<$$>\"}]\n"
	exp, err := Parse("t.yaml", []byte(in), Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	tm := &exp.Template
	got, err := tm.JSON(nil, []string{"m1", "3"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"metadata":{"labels":{"a":"x\"y"}},"spec":{"parallelism":3,"template":{"spec":{"containers":[{"name":"ml","image":"img:m1","env":[{"name":"A","value":"é\t<$>"}]}]}}}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	if n := tm.NodeAt([]string{"m1", "3"}, int64(len(`{"metadata":{"labels":{"a":"x\"y"}},"spec":{"parallelism":3`))); n == nil || n.Path != "spec.parallelism" || n.Pos.Line != 12 {
		t.Errorf("NodeAt(parallelism) = %+v", n)
	}
	for path, wantPath := range map[string]string{
		"spec.template.spec.containers[0].image":   "spec.template.spec.containers[0].image",
		"spec.template.spec.containers[0].nope":    "spec.template.spec.containers[0]",
		"spec.template.spec.containers[0].env[0]":  "spec.template.spec.containers[0].env[0]",
		"metadata.labels.a":                        "metadata.labels.a",
		"spec.template.spec.nodeSelector.disktype": "spec.template.spec",
	} {
		if n := tm.Lookup(path); n == nil || n.Path != wantPath {
			t.Errorf("Lookup(%q) = %v, want the node at %q", path, n, wantPath)
		}
	}
	if _, err := tm.JSON(nil, []string{"m1", "three"}); err == nil || err.Error() != `Job spec.parallelism: want an integer, got "three" (from ${n})` {
		t.Errorf("JSON with n=three: %v", err)
	}
}
