package experiment

import (
	"strings"
	"testing"
)

// TestMarshalNativeKeepsDollars checks that the mlexp file convert writes
// keeps a $ that is not a reference as the user wrote it ($(seq 1 3),
// $HOME, Kubernetes' $(VAR)), and escapes only what could read as a
// reference or an escape: $ before { or $, and a final $.
func TestMarshalNativeKeepsDollars(t *testing.T) {
	in := head + grid + tmpl + `            args: ["sh", "-c", "for i in $(seq 1 3); do echo $i $HOME $(POD); done", "$${model}:${model}$", "$$$$"]` + "\n"
	exp, err := Parse("t.yaml", []byte(in), Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	out, err := MarshalNative(exp, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"for i in $(seq 1 3); do echo $i $HOME $(POD); done", "$${model}:${model}$$", "$$$$"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("converted file lacks %q:\n%s", want, out)
		}
	}
	back, err := Parse("t.yaml", out, Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := exp.Template.JSON(nil, []string{"m1"})
	b, _ := back.Template.JSON(nil, []string{"m1"})
	if string(a) != string(b) {
		t.Errorf("converted Job differs:\n%s\n%s", a, b)
	}
}
