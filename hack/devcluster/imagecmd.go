package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// busyboxPath is where Debian's busybox-static puts its static busybox.
const busyboxPath = "/bin/busybox"

// stringList is a repeatable string flag.
type stringList []string

// String joins the values (flag.Value).
func (s *stringList) String() string { return strings.Join(*s, ",") }

// Set appends a value (flag.Value).
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// BusyboxEntries puts the static busybox at /bin/busybox, one symlink per applet at the
// place busybox --list-full names, and a minimal /etc, /tmp and /root.
func BusyboxEntries(busybox string, applets []string) []ImageEntry {
	es := []ImageEntry{
		{Path: "/bin/busybox", Src: busybox},
		{Path: "/tmp", Dir: true, Mode: 0o1777},
		{Path: "/root", Dir: true, Mode: 0o700},
		{Path: "/etc/passwd", Data: []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")},
		{Path: "/etc/group", Data: []byte("root:x:0:\nnogroup:x:65534:\n")},
	}
	for _, a := range applets {
		a = "/" + strings.TrimPrefix(strings.TrimSpace(a), "/")
		if a == "/" || a == "/bin/busybox" {
			continue
		}
		es = append(es, ImageEntry{Path: a, Link: "/bin/busybox"})
	}
	return es
}

// busyboxApplets asks the host's busybox for its applets with their install paths.
func busyboxApplets(busybox string) ([]string, error) {
	out, err := exec.Command(busybox, "--list-full").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list-full: %w (is busybox-static installed?)", busybox, err)
	}
	return strings.Fields(string(out)), nil
}

// ToolboxSpec is localhost/mlexp/toolbox:dev: busybox with a shell, as a test image.
func ToolboxSpec() (ImageSpec, error) {
	applets, err := busyboxApplets(busyboxPath)
	if err != nil {
		return ImageSpec{}, err
	}
	return ImageSpec{Name: ToolboxImage, Entries: BusyboxEntries(busyboxPath, applets), Cmd: []string{"/bin/sh"}}, nil
}

// PauseSpec is the sandbox image: the static pause binary alone.
func PauseSpec(l Layout) ImageSpec {
	return ImageSpec{Name: PauseImage, Entries: []ImageEntry{{Path: "/pause", Src: l.PauseBin()}}, Entrypoint: []string{"/pause"}}
}

// parseCommand reads an entrypoint or cmd: a JSON array, or words split on spaces.
func parseCommand(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		var out []string
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return nil, fmt.Errorf("command %q: %w", s, err)
		}
		return out, nil
	}
	return strings.Fields(s), nil
}

// splitPair splits SRC:DST (or DST:TARGET) at the last colon.
func splitPair(s, what string) (string, string, error) {
	i := strings.LastIndex(s, ":")
	if i <= 0 || i == len(s)-1 {
		return "", "", fmt.Errorf("%s %q: want A:B", what, s)
	}
	return s[:i], s[i+1:], nil
}

// ParseImageArgs parses the image subcommand's flags into a spec and an optional --out path.
func ParseImageArgs(args []string) (ImageSpec, string, error) {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	var adds, links, dirs, envs stringList
	name := fs.String("name", "", "image name, e.g. localhost/mlexp/trainer:dev (required)")
	fs.Var(&adds, "add", "SRC:DST copy a host file or directory to DST (repeatable)")
	fs.Var(&links, "symlink", "DST:TARGET make DST a symlink to TARGET (repeatable)")
	fs.Var(&dirs, "dir", "DST make an empty directory (repeatable)")
	fs.Var(&envs, "env", "K=V image environment (repeatable)")
	bb := fs.Bool("busybox", false, "include the host's busybox-static with a shell and all applets")
	entry := fs.String("entrypoint", "", `entrypoint: JSON array or space-separated words`)
	cmd := fs.String("cmd", "", `default arguments: JSON array or space-separated words`)
	wd := fs.String("workdir", "", "working directory")
	out := fs.String("out", "", "only write the docker-archive tar to this file; do not import")
	if err := fs.Parse(args); err != nil {
		return ImageSpec{}, "", err
	}
	if *name == "" || fs.NArg() > 0 {
		return ImageSpec{}, "", fmt.Errorf("image: --name is required and no positional arguments are taken")
	}
	spec := ImageSpec{Name: *name, Env: envs, WorkingDir: *wd}
	if *bb {
		applets, err := busyboxApplets(busyboxPath)
		if err != nil {
			return spec, "", err
		}
		spec.Entries = append(spec.Entries, BusyboxEntries(busyboxPath, applets)...)
	}
	for _, a := range adds {
		src, dst, err := splitPair(a, "--add")
		if err != nil {
			return spec, "", err
		}
		spec.Entries = append(spec.Entries, ImageEntry{Path: dst, Src: src})
	}
	for _, a := range links {
		dst, target, err := splitPair(a, "--symlink")
		if err != nil {
			return spec, "", err
		}
		spec.Entries = append(spec.Entries, ImageEntry{Path: dst, Link: target})
	}
	for _, d := range dirs {
		spec.Entries = append(spec.Entries, ImageEntry{Path: d, Dir: true})
	}
	var err error
	if spec.Entrypoint, err = parseCommand(*entry); err != nil {
		return spec, "", err
	}
	if spec.Cmd, err = parseCommand(*cmd); err != nil {
		return spec, "", err
	}
	return spec, *out, nil
}

// writeArchiveFile writes spec to path atomically.
func writeArchiveFile(spec ImageSpec, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := WriteDockerArchive(f, spec); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// archiveName is the tar file name for an image name.
func archiveName(name string) string {
	r := strings.NewReplacer("/", "_", ":", "_", "@", "_")
	return r.Replace(name) + ".tar"
}

// importTar imports a docker-archive tar into the cluster's containerd.
func importTar(l Layout, path string) error {
	out, err := exec.Command("ctr", "--address", l.ContainerdSock(), "-n", "k8s.io", "images", "import", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ctr images import %s: %w: %s", path, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// reimportImages imports every tar kept in the image dir except those named in skip.
func reimportImages(l Layout, skip ...string) ([]string, error) {
	ents, err := os.ReadDir(l.ImageDir())
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var done []string
outer:
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tar") {
			continue
		}
		for _, s := range skip {
			if archiveName(s) == e.Name() {
				continue outer
			}
		}
		if err := importTar(l, filepath.Join(l.ImageDir(), e.Name())); err != nil {
			return done, err
		}
		done = append(done, e.Name())
	}
	return done, nil
}

// ImportImage writes spec as a tar under the state dir and imports it into the cluster's
// containerd (namespace k8s.io, where the kubelet looks).
func ImportImage(l Layout, spec ImageSpec) error {
	path := filepath.Join(l.ImageDir(), archiveName(spec.Name))
	if err := writeArchiveFile(spec, path); err != nil {
		return err
	}
	return importTar(l, path)
}

// runImage is the image subcommand.
func runImage(l Layout, args []string) error {
	spec, out, err := ParseImageArgs(args)
	if err != nil {
		return err
	}
	return deliverImage(l, spec, out)
}

// requireContainerd fails unless the dev cluster's containerd runs.
func requireContainerd(l Layout) error {
	if _, ok := Running(l, "containerd"); !ok {
		return fmt.Errorf("the dev cluster's containerd is not running (run up first, or use --out FILE)")
	}
	return nil
}

// deliverImage writes spec as a docker-archive tar to out or, without out, imports it into
// the running cluster's containerd (kept in the image dir for the next up).
func deliverImage(l Layout, spec ImageSpec, out string) error {
	if out != "" {
		if err := writeArchiveFile(spec, out); err != nil {
			return err
		}
		progress("wrote %s (%s)", out, spec.Name)
		return nil
	}
	if err := requireContainerd(l); err != nil {
		return err
	}
	if err := ImportImage(l, spec); err != nil {
		return err
	}
	progress("imported %s into the dev cluster (use imagePullPolicy: IfNotPresent or Never)", spec.Name)
	return nil
}
