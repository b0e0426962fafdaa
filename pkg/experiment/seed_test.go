package experiment

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSeedFile(t *testing.T) {
	data, err := os.ReadFile("../../examples/seed-experiments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	exp, err := Parse("examples/seed-experiments.yaml", data, Options{Getenv: env("REPO", "registry.example.com/me")})
	if err != nil {
		t.Fatal(err)
	}
	if exp.Name != "seed-experiments" || exp.Format != Seed {
		t.Errorf("name %q format %q, want seed-experiments, seed", exp.Name, exp.Format)
	}
	if diff := cmp.Diff([]string{"script", "arg1", "arg2", "arg3"}, exp.Space.Names()); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if len(exp.Space.List) != 24 {
		t.Fatalf("got %d rows, want 24", len(exp.Space.List))
	}
	var got []string
	for _, v := range exp.Space.List[9].Values {
		got = append(got, v.Text)
	}
	if diff := cmp.Diff([]string{"registry.example.com/me/k8s-ml:model02", "10", "relu", "0.3"}, got); diff != "" {
		t.Errorf("row 10 (-want +got):\n%s", diff)
	}
	if line := exp.Space.List[9].Pos.Line; line != 16 {
		t.Errorf("row 10 is at line %d, want 16", line)
	}
}

func TestParseSeedOptions(t *testing.T) {
	in := "- script: img\n  args:\n  - [10, softmax, 0.2]\n"
	exp, err := Parse("runs/My Grid.v2.yaml", []byte(in), Options{ParamNames: []string{"epochs", "activation", "dropout"}, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if exp.Name != "my-grid-v2" {
		t.Errorf("name %q, want my-grid-v2", exp.Name)
	}
	if diff := cmp.Diff([]string{"script", "epochs", "activation", "dropout"}, exp.Space.Names()); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if exp, err = Parse("<stdin>", []byte(in), Options{Name: "grid", Getenv: noEnv}); err != nil || exp.Name != "grid" {
		t.Errorf("--name on stdin: %v, %v", exp, err)
	}
}

func TestParseSeedErrors(t *testing.T) {
	tests := map[string]struct {
		in, file string
		opts     Options
		want     string
	}{
		"unset REPO":      {in: "- script: $REPO/k8s-ml:model01\n  args: [[1]]\n", want: "e.yaml:1:11: script: environment variable REPO is not set (the file reads $REPO)"},
		"unset in braces": {in: "- script: ${REPO}/k8s-ml:model01\n  args: [[1]]\n", want: "e.yaml:1:11: script: environment variable REPO is not set (the file reads $REPO)"},
		"unset in args":   {in: "- script: img\n  args: [[$DATA]]\n", want: "e.yaml:2:11: environment variable DATA is not set (the file reads $DATA)"},
		"unknown key":     {in: "- script: img\n  argz: [[1]]\n", want: `e.yaml:2:3: unknown field "argz" in list entry (did you mean "args"?)`},
		"no script":       {in: "- args: [[1]]\n", want: "e.yaml:1:3: list entry has no script (the image to run)"},
		"no args":         {in: "- script: img\n", want: "e.yaml:1:3: list entry has no args (a list of argument lists, one per run)"},
		"empty args":      {in: "- script: img\n  args: []\n", want: "e.yaml:2:9: args lists no runs"},
		"row not a list":  {in: "- script: img\n  args: [10, relu]\n", want: "e.yaml:2:10: args row: want a list, got the integer 10"},
		"rows differ":     {in: "- script: img\n  args:\n  - [10, relu, 0.2]\n  - [10, relu]\n", want: "e.yaml:4:5: this row has 2 args, the row at line 3 has 3: every row must have the same number"},
		"entries differ":  {in: "- script: a\n  args: [[1, 2]]\n- script: b\n  args: [[1]]\n", want: "e.yaml:4:10: this row has 1 args, the row at line 2 has 2: every row must have the same number"},
		"script a list":   {in: "- script: [a]\n  args: [[1]]\n", want: "e.yaml:1:11: script: want a string, got a list"},
		"nested arg":      {in: "- script: img\n  args: [[[1]]]\n", want: `e.yaml:2:11: value of "arg1": parameter values must be a string, number or bool, got a list`},
		"entry a string":  {in: "- img\n", want: "e.yaml:1:3: list entry: want a mapping, got the string \"img\""},
		"no entries":      {in: "[]\n", want: "e.yaml:1:1: the file lists no experiments"},
		"duplicate row":   {in: "- script: img\n  args:\n  - [1]\n  - [1]\n", want: "e.yaml:4:5: duplicate trial script=img,arg1=1: the trial from line 3 has the same parameters"},
		"param names":     {in: "- script: img\n  args: [[1, 2]]\n", opts: Options{ParamNames: []string{"a"}}, want: "e.yaml:2:10: --param-names names 1 parameters, the rows have 2 args"},
		"bad param name":  {in: "- script: img\n  args: [[1]]\n", opts: Options{ParamNames: []string{"a-"}}, want: `e.yaml: --param-names: invalid parameter name "a-": want a letter or _ followed by letters, digits, _ or - (not ending in -) (not env or script)`},
		"bad cpu":         {in: "- script: img\n  args: [[1]]\n", opts: Options{CPU: "one"}, want: `e.yaml: --cpu: invalid quantity "one": want a quantity such as 500m, 2 or 6Gi`},
		"stdin needs a name": {in: "- script: img\n  args: [[1]]\n", file: "<stdin>",
			want: "<stdin>: a file in the list format (the blog post's experiments.yaml) has no name: pass --name"},
		"no name in the file name": {in: "- script: img\n  args: [[1]]\n", file: "runs/___.yaml",
			want: "runs/___.yaml: a file in the list format (the blog post's experiments.yaml) has no name: pass --name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if tc.opts.Getenv == nil {
				tc.opts.Getenv = noEnv
			}
			if tc.file == "" {
				tc.file = "e.yaml"
			}
			exp, err := Parse(tc.file, []byte(tc.in), tc.opts)
			if err == nil && name == "duplicate row" {
				_, _, err = exp.Space.Expand()
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}
