package main

import (
	"bufio"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The plugin's own image, for what runs the plugin inside the cluster (the search driver
// Job runs `kubectl-mlexp tune NAME` with its in-cluster config).
const (
	// PluginImage is the image `plugin-image` builds from the working tree.
	PluginImage = "localhost/mlexp/kubectl-mlexp:dev"
	// PluginBinPath is where the image holds the plugin: its entrypoint, and on the default PATH.
	PluginBinPath = "/usr/local/bin/kubectl-mlexp"
	// pluginModule is the plugin's Go module, how plugin-image finds the repository.
	pluginModule = "github.com/mlexp/kubectl-mlexp"
	// pluginMain is the plugin's main package, relative to the repository.
	pluginMain = "./cmd/kubectl-mlexp"
)

// PluginSpec is the plugin's image: the static binary at PluginBinPath as the entrypoint,
// and a world-writable /tmp as HOME (kubectl's discovery cache goes to $HOME/.kube, and the
// Job may run as any user). No CA certificates: the in-cluster config trusts the service
// account's CA.
func PluginSpec(name, bin string) ImageSpec {
	return ImageSpec{
		Name: name,
		Entries: []ImageEntry{
			{Path: PluginBinPath, Src: bin},
			{Path: "/tmp", Dir: true, Mode: 0o1777},
		},
		Entrypoint: []string{PluginBinPath},
		Env:        []string{"HOME=/tmp"},
	}
}

// checkStatic refuses a binary that needs a dynamic loader or shared libraries: the image
// has no libc.
func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is not static: it asks for a program interpreter (build it with CGO_ENABLED=0)", path)
		}
	}
	if libs, err := f.ImportedLibraries(); err == nil && len(libs) > 0 {
		return fmt.Errorf("%s is not static: it needs %s (build it with CGO_ENABLED=0)", path, strings.Join(libs, " "))
	}
	return nil
}

// buildPlugin builds the plugin of the repository at src as a static binary into out.
func buildPlugin(src, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pluginMain)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %w", pluginMain, src, err)
	}
	return checkStatic(out)
}

// goModule reads the module path of dir/go.mod ("" when there is none).
func goModule(dir string) string {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if mod, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(mod), `"`)
		}
	}
	return ""
}

// findPluginRepo walks up from dir to the directory whose go.mod is the plugin's module.
func findPluginRepo(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if goModule(d) == pluginModule {
			return d, nil
		}
		if d == filepath.Dir(d) {
			return "", fmt.Errorf("no go.mod of %s in %s or above: give --src", pluginModule, dir)
		}
	}
}

// runPluginImage is the plugin-image subcommand: build the plugin from the working tree,
// and import its image into the cluster's containerd (or only write the tar with --out).
func runPluginImage(l Layout, args []string) error {
	fs := flag.NewFlagSet("plugin-image", flag.ContinueOnError)
	src := fs.String("src", "", "the plugin's repository (default: found above the current directory)")
	name := fs.String("name", PluginImage, "image name")
	out := fs.String("out", "", "only write the docker-archive tar to this file; do not import")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("plugin-image takes no positional arguments")
	}
	if *src == "" {
		var err error
		if *src, err = findPluginRepo("."); err != nil {
			return err
		}
	}
	if *out == "" {
		if err := requireContainerd(l); err != nil { // before a build of a minute or more
			return err
		}
	}
	stage, err := os.MkdirTemp("", "mlexp-plugin-image.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	bin := filepath.Join(stage, "kubectl-mlexp")
	progress("building the static plugin from %s", *src)
	if err := buildPlugin(*src, bin); err != nil {
		return err
	}
	return deliverImage(l, PluginSpec(*name, bin), *out)
}
