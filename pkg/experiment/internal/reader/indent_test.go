package reader

import (
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
)

// TestYAMLMistakes checks that a YAML syntax error names the line the user
// must change and says in words what is wrong there, where yaml.v3 names
// the line a block started on and its parser's state.
func TestYAMLMistakes(t *testing.T) {
	tests := map[string]struct {
		in   string
		want string
	}{
		"key deeper than a key with a flow value": {
			in: "spec:\n  parameters:\n    grid:\n      model: [m1, m2]\n        lr: [1, 2]\n  template: {}\n",
			want: "f.yaml:5: `lr:` is indented deeper than `model:` on line 4, which has a value already: " +
				"indent it like `model:` (6 spaces), or move the value of `model:` under it",
		},
		"key deeper than a key with a scalar value": {
			in: "spec:\n  results:\n    metric: accuracy\n      goal: max\n",
			want: "f.yaml:4: `goal:` is indented deeper than `metric:` on line 3, which has a value already: " +
				"indent it like `metric:` (4 spaces), or move the value of `metric:` under it",
		},
		"missing dash in a list": {
			in:   "a:\n  - x: 1\n    y: 2\n  z: 3\n",
			want: "f.yaml:4: `z: 3` is in the list of line 2 but does not start with `- `: write `- z: 3` for a new item, or indent it like `y:` (4 spaces) to add it to the item above",
		},
		"missing dash in a compact list": {
			in:   "c:\n- name: ml\n  image: x\nname: b\n  image: y\n",
			want: "f.yaml:4: `name: b` follows the list of line 2 but does not start with `- `: write `- name: b` for a new item of that list",
		},
		"key between two levels": {
			in:   "env:\n- name: A\n  value: b\n name: C\n",
			want: "f.yaml:4: `name:` is indented 1 space, like no key above it: indent it like `value:` on line 3 (2 spaces) or `env:` on line 1 (0 spaces)",
		},
		"dash where a key belongs": {
			in:   "x:\n  args:\n    - a\n    - b\n  - c\n",
			want: "f.yaml:5: the list item `- c` is indented like the key `args:` on line 2: indent it like the items of its list (4 spaces, line 3)",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := New("f.yaml", model.Options{})
			_, err := r.Document([]byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestYAMLMistakesValid checks that what yaml.v3 reads the linter reads
// too: block scalars, flow collections over several lines, plain scalars
// over several lines and comments raise nothing.
func TestYAMLMistakesValid(t *testing.T) {
	for _, in := range []string{
		"a:\n  b: |\n    x: 1\n      y: 2\n  c: [1,\n    2]\n  d: long\n    text\n# x: 1\n   # y\ne:\n- 1\n- f: 2\n  g:\n  - 3\n",
		"a:\n  - x: 1\n    y: 2\n  - z: 3\nb: 'q: 1'\nc: \"d:\n  e\"\n",
		"- a\n- b:\n    c: 1\n  d: 2\n",
	} {
		if line, msg := indentMistake(strings.Split(in, "\n")); msg != "" {
			t.Errorf("%q: line %d: %s", in, line, msg)
		}
	}
}
