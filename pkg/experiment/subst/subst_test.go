package subst

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

func lookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestExpand(t *testing.T) {
	params := lookup(map[string]string{"epochs": "10", "model": "model01", "lr": "0.001", "num-layers": "3"})
	env := lookup(map[string]string{"REPO": "registry.example.com/me", "EMPTY": ""})
	tests := map[string]struct {
		in, want, err string
	}{
		"no dollar":              {in: "python", want: "python"},
		"empty":                  {in: "", want: ""},
		"param":                  {in: "${epochs}", want: "10"},
		"params and text":        {in: "--epochs=${epochs} --lr=${lr}", want: "--epochs=10 --lr=0.001"},
		"env":                    {in: "${env.REPO}/k8s-ml:${model}", want: "registry.example.com/me/k8s-ml:model01"},
		"empty env is set":       {in: "a${env.EMPTY}b", want: "ab"},
		"double dollar":          {in: "$$", want: "$"},
		"escaped reference":      {in: "$${epochs}", want: "${epochs}"},
		"four dollars":           {in: "$$$$", want: "$$"},
		"kubernetes var kept":    {in: "$(POD_NAME)", want: "$(POD_NAME)"},
		"escaped kubernetes var": {in: "$$(POD_NAME)", want: "$(POD_NAME)"},
		"shell var kept":         {in: "echo $HOME", want: "echo $HOME"},
		"lone dollar at end":     {in: "cost: 5$", want: "cost: 5$"},
		"dollar then digit":      {in: "$1", want: "$1"},
		"adjacent references":    {in: "${model}${epochs}", want: "model0110"},
		"dashed name":            {in: "--layers=${num-layers}", want: "--layers=3"},
		"unicode around":         {in: "é${epochs}ü", want: "é10ü"},
		"unknown param": {in: "${batch}",
			err: `unknown parameter "batch" in ${batch} (write $${batch} for a literal ${batch}, ${env.batch} for an environment variable)`},
		"unset env": {in: "${env.NOPE}",
			err: "environment variable NOPE is not set (referenced as ${env.NOPE})"},
		"unterminated": {in: "x${epochs",
			err: `unterminated "${" in "x${epochs" (write $${ for a literal ${)`},
		"empty reference": {in: "${}",
			err: "invalid reference ${}: want ${name} (a parameter) or ${env.NAME} (an environment variable); write $${ for a literal ${"},
		"spaces": {in: "${ epochs }",
			err: "invalid reference ${ epochs }: want ${name} (a parameter) or ${env.NAME} (an environment variable); write $${ for a literal ${"},
		"bad env name": {in: "${env.1X}",
			err: "invalid reference ${env.1X}: want ${env.NAME} with NAME a letter or _ followed by letters, digits or _"},
		"expression": {in: "${epochs*2}",
			err: "invalid reference ${epochs*2}: want ${name} (a parameter) or ${env.NAME} (an environment variable); write $${ for a literal ${"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Expand(tc.in, params, env)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("Expand(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Expand(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("Expand(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCompile(t *testing.T) {
	names := []string{"model", "epochs"}
	index := func(n string) (int, bool) {
		for i, x := range names {
			if x == n {
				return i, true
			}
		}
		return 0, false
	}
	env := lookup(map[string]string{"REPO": "r.io"})
	tests := map[string]struct {
		in     string
		want   Template
		single int // -1: not a single reference
		vals   []string
		out    string
	}{
		"constant":  {in: "python", want: Template{Lit: []string{"python"}}, single: -1, out: "python"},
		"env folds": {in: "${env.REPO}/x", want: Template{Lit: []string{"r.io/x"}}, single: -1, out: "r.io/x"},
		"single":    {in: "${epochs}", want: Template{Lit: []string{"", ""}, Refs: []int{1}}, single: 1, vals: []string{"m", "10"}, out: "10"},
		"mixed": {in: "${env.REPO}/k8s-ml:${model}-$${x}", want: Template{Lit: []string{"r.io/k8s-ml:", "-${x}"}, Refs: []int{0}},
			single: -1, vals: []string{"model01", "10"}, out: "r.io/k8s-ml:model01-${x}"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Compile(tc.in, index, env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Compile(%q) (-want +got):\n%s", tc.in, diff)
			}
			i, ok := got.Single()
			if (tc.single >= 0) != ok || ok && i != tc.single {
				t.Errorf("Single() = %d, %v, want %d", i, ok, tc.single)
			}
			if out := got.Apply(tc.vals); out != tc.out {
				t.Errorf("Apply = %q, want %q", out, tc.out)
			}
		})
	}
}

func TestExpandShell(t *testing.T) {
	env := lookup(map[string]string{"REPO": "registry.example.com/me", "TAG": "v1"})
	tests := map[string]struct{ in, want, err string }{
		"seed image":     {in: "$REPO/k8s-ml:model01", want: "registry.example.com/me/k8s-ml:model01"},
		"braces":         {in: "${REPO}/k8s-ml:${TAG}", want: "registry.example.com/me/k8s-ml:v1"},
		"name ends at /": {in: "$REPO/x$TAG", want: "registry.example.com/me/xv1"},
		"no dollar":      {in: "softmax", want: "softmax"},
		"lone dollar":    {in: "a$", want: "a$"},
		"dollar digit":   {in: "$1", want: "$1"},
		"unset":          {in: "$REPO/$NOPE:x", err: "environment variable NOPE is not set (the file reads $NOPE)"},
		"unset braces":   {in: "${NOPE}", err: "environment variable NOPE is not set (the file reads $NOPE)"},
		"unterminated":   {in: "${REPO", err: `unterminated "${" in "${REPO"`},
		"bad name":       {in: "${RE-PO}", err: `invalid variable ${RE-PO} in "${RE-PO}"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ExpandShell(tc.in, env)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("ExpandShell(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ExpandShell(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// FuzzSubstitute checks that the scanner never panics, that text without
// a $ is kept, that Quote makes any text come back unchanged, and that a
// successful expansion with every reference set to "" never grows "${".
func FuzzSubstitute(f *testing.F) {
	for _, s := range []string{"", "x", "${a}", "$$", "$(V)", "${env.R}/m:${a}", "${", "$${a}", "${a", "$", "é$"} {
		f.Add(s)
	}
	empty := func(string) (string, bool) { return "", true }
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Expand(s, empty, empty)
		if !strings.Contains(s, "$") && (err != nil || got != s) {
			t.Fatalf("Expand(%q) = %q, %v; want it unchanged", s, got, err)
		}
		if back, err := Expand(Quote(s), empty, empty); err != nil || back != s {
			t.Fatalf("Expand(Quote(%q)) = %q, %v", s, back, err)
		}
		if err == nil && len(got) > len(s) {
			t.Fatalf("Expand(%q) = %q grew with empty values", s, got)
		}
		parts, perr := Parse(s)
		if (perr == nil) != (err == nil) {
			t.Fatalf("Parse and Expand disagree on %q: %v vs %v", s, perr, err)
		}
		for _, p := range parts {
			if p.Ref != "" && !(p.Env && IsIdentifier(p.Ref) || !p.Env && params.ValidName(p.Ref)) {
				t.Fatalf("Parse(%q) returned reference %q", s, p.Ref)
			}
		}
		if _, err := ExpandShell(s, empty); err != nil && !strings.Contains(s, "${") {
			t.Fatalf("ExpandShell(%q): %v", s, err)
		}
	})
}

// TestQuoteKeepsDollars checks that Quote escapes only what Parse would
// not read back as written.
func TestQuoteKeepsDollars(t *testing.T) {
	for in, want := range map[string]string{"$(seq 1 3)": "$(seq 1 3)", "$HOME": "$HOME", "a$": "a$$", "${x}": "$${x}", "$$": "$$$$", "x": "x"} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
}
