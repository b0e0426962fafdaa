package main

import (
	"bytes"
	"os"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd"
)

// docs/commands.md says what --help says: a help text changed without
// `make docs` fails here.
func TestCommandsDocIsCurrent(t *testing.T) {
	want := Render(cmd.NewCmdMlexp(genericiooptions.NewTestIOStreamsDiscard()))
	got, err := os.ReadFile("../../docs/commands.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/commands.md is not what the command tree renders: run make docs")
	}
}
