package main

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// buildStatic builds a tiny Go program with CGO_ENABLED=0, as plugin-image builds the plugin.
func buildStatic(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go build")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":  "module example.com/tiny\n\ngo 1.26\n",
		"main.go": "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(0) }\n",
	}
	if err := writeModule(dir, files); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "kubectl-mlexp")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// TestPluginImageLayout: the image holds the static plugin at /usr/local/bin/kubectl-mlexp
// (mode 0755, the bytes built) as its entrypoint, a world-writable /tmp as HOME, and
// nothing else; the default PATH has /usr/local/bin.
func TestPluginImageLayout(t *testing.T) {
	bin := buildStatic(t)
	if err := checkStatic(bin); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteDockerArchive(&buf, PluginSpec(PluginImage, bin)); err != nil {
		t.Fatal(err)
	}
	manifest, cfg, layer := readArchive(t, buf.Bytes())
	if diff := cmp.Diff([]string{"localhost/mlexp/kubectl-mlexp:dev"}, manifest.RepoTags); diff != "" {
		t.Errorf("RepoTags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/usr/local/bin/kubectl-mlexp"}, cfg.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{defaultPath, "HOME=/tmp"}, cfg.Config.Env); diff != "" || !strings.Contains(defaultPath, "/usr/local/bin:") {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	items, contents := readTar(t, layer)
	for i := range items {
		items[i].Data = ""
	}
	want := []tarItem{
		{Name: "tmp/", Type: tar.TypeDir, Mode: 0o1777},
		{Name: "usr/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "usr/local/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "usr/local/bin/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "usr/local/bin/kubectl-mlexp", Type: tar.TypeReg, Mode: 0o755},
	}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Errorf("layer (-want +got):\n%s", diff)
	}
	built, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(contents["usr/local/bin/kubectl-mlexp"], built) {
		t.Error("the layer's kubectl-mlexp is not the binary built")
	}
}

// TestCheckStatic: a CGO_ENABLED=0 build passes, a dynamically linked program and a file
// that is no program are refused with a reason.
func TestCheckStatic(t *testing.T) {
	if err := checkStatic(buildStatic(t)); err != nil {
		t.Errorf("static build: %v", err)
	}
	dynamic, err := exec.LookPath("ls")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkStatic(dynamic); err == nil || !strings.Contains(err.Error(), "not static") {
		t.Errorf("checkStatic(%s) = %v, want a refusal (Debian's ls is dynamically linked)", dynamic, err)
	}
	script := filepath.Join(t.TempDir(), "x.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkStatic(script); err == nil {
		t.Error("a shell script passes as a static binary")
	}
}

func TestFindPluginRepo(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "hack", "devcluster")
	if err := writeModule(sub, map[string]string{"go.mod": "module " + pluginModule + "/hack/devcluster\n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := findPluginRepo(sub); err == nil {
		t.Error("found a repository without the plugin's go.mod")
	}
	if err := writeModule(root, map[string]string{"go.mod": "// the plugin\nmodule " + pluginModule + "\n\ngo 1.26\n"}); err != nil {
		t.Fatal(err)
	}
	if got, err := findPluginRepo(sub); err != nil || got != root {
		t.Errorf("findPluginRepo = %q, %v; want %q", got, err, root)
	}
}
