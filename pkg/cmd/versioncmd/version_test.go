package versioncmd

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func run(args ...string) (string, error) {
	var out bytes.Buffer
	cmd := NewCmdVersion(genericiooptions.IOStreams{Out: &out, ErrOut: &bytes.Buffer{}})
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	return out.String(), err
}

// TestVersionOutput: -o json and yaml print the build's identity, as
// kubectl version does; anything else is refused by Validate.
func TestVersionOutput(t *testing.T) {
	out, err := run("-o", "json")
	var got map[string]any
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || got["goVersion"] == nil && got["GoVersion"] == nil {
		t.Errorf("-o json = %q, %v", out, err)
	}
	if out, err := run("-o", "yaml"); err != nil || !strings.Contains(strings.ToLower(out), "goversion: go") {
		t.Errorf("-o yaml = %q, %v", out, err)
	}
	if out, err := run(); err != nil || !strings.HasPrefix(out, "kubectl-mlexp ") {
		t.Errorf("default = %q, %v", out, err)
	}
	o := &Options{Output: "name"}
	if err := o.Validate(); err == nil || err.Error() != "--output: must be 'yaml' or 'json'" {
		t.Errorf("Validate(-o name) = %v", err)
	}
}
