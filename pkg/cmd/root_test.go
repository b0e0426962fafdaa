package cmd

import (
	"bytes"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func TestHelpListsEveryCommand(t *testing.T) {
	var out bytes.Buffer
	root := NewCmdMlexp(genericiooptions.IOStreams{Out: &out, ErrOut: &out})
	root.SetOut(&out)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"submit", "list", "status", "logs", "top", "events", "results", "delete", "retry", "wait", "describe", "version", "completion"} {
		if !strings.Contains(out.String(), "\n  "+c+" ") {
			t.Errorf("--help does not list %q:\n%s", c, out.String())
		}
	}
	if !strings.Contains(out.String(), "kubectl mlexp [command]") {
		t.Errorf("usage does not read as a kubectl plugin:\n%s", out.String())
	}
	for _, f := range []string{"--kubeconfig", "--context", "--namespace"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("--help lacks kubectl's %s flag", f)
		}
	}
}

func TestEveryCommandHasExamples(t *testing.T) {
	root := NewCmdMlexp(genericiooptions.NewTestIOStreamsDiscard())
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help", "completion", "version":
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("command %q has no examples", c.Name())
		}
		if c.Short == "" || strings.Contains(c.Short, "Not implemented") {
			t.Errorf("command %q has no short description", c.Name())
		}
	}
}
