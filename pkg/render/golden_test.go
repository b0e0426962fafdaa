package render

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenCases are the example files and the options they render with.
var goldenCases = []struct {
	name string
	opts experiment.Options
}{
	{"seed-experiments", experiment.Options{Command: []string{"python", "train.py"}, CPU: "1", Memory: "6Gi"}},
	{"mnist", experiment.Options{}},
	{"random-search", experiment.Options{}},
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/render -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; run with -update if the change is intended):\n%s", path, diff)
	}
}

// TestGoldenJobs renders the examples and compares every Job with
// testdata/NAME.golden.yaml.
func TestGoldenJobs(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			trials, _ := renderFile(t, "../../examples/"+tc.name+".yaml", tc.opts)
			var b bytes.Buffer
			for i, tr := range trials {
				if i > 0 {
					b.WriteString("---\n")
				}
				y, err := yaml.Marshal(tr.Job)
				if err != nil {
					t.Fatal(err)
				}
				b.Write(y)
			}
			checkGolden(t, tc.name+".golden.yaml", b.Bytes())
		})
	}
}

// TestGoldenNames pins the trial names of the examples: a name that
// changes makes a re-submit create a new Job for an unchanged trial.
func TestGoldenNames(t *testing.T) {
	var b bytes.Buffer
	for _, tc := range goldenCases {
		trials, _ := renderFile(t, "../../examples/"+tc.name+".yaml", tc.opts)
		for _, tr := range trials {
			fmt.Fprintf(&b, "%s\t%s\n", tr.Name, tr.Params)
		}
	}
	checkGolden(t, "names.golden", b.Bytes())
}

func TestTrialName(t *testing.T) {
	p := params.Params{{Name: "model", Value: "model01"}, {Name: "epochs", Value: int64(10)}, {Name: "activation", Value: "softmax"}, {Name: "dropout", Value: 0.2}}
	reordered := params.Params{p[3], p[1], p[0], p[2]}
	floatEpochs := params.Params{p[0], {Name: "epochs", Value: 10.0}, p[2], p[3]}
	other := params.Params{p[0], p[1], p[2], {Name: "dropout", Value: 0.3}}
	tests := map[string]struct {
		p    params.Params
		want string
	}{
		"seed's first run":       {p, "mnist-e560fe16"},
		"key order is ignored":   {reordered, "mnist-e560fe16"},
		"10.0 is 10":             {floatEpochs, "mnist-e560fe16"},
		"another value":          {other, "mnist-24ad781b"},
		"no parameters is valid": {nil, "mnist-44136fa3"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := TrialName("mnist", tc.p); got != tc.want {
				t.Errorf("TrialName = %s, want %s", got, tc.want)
			}
		})
	}
}
