package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type tarItem struct {
	Name string
	Type byte
	Mode int64
	Link string
	Data string
}

func readTar(t *testing.T, data []byte) ([]tarItem, map[string][]byte) {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(data))
	var items []tarItem
	contents := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return items, contents
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		contents[h.Name] = b
		items = append(items, tarItem{Name: h.Name, Type: h.Typeflag, Mode: h.Mode, Link: h.Linkname, Data: string(b)})
	}
}

// readArchive reads a docker-archive of one image with one layer: its manifest entry, its
// config (checking the config's name and the layer's diff id) and its layer tar.
func readArchive(t *testing.T, data []byte) (ManifestEntry, imageConfig, []byte) {
	t.Helper()
	_, files := readTar(t, data)
	var manifest []ManifestEntry
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 1 || len(manifest[0].Layers) != 1 {
		t.Fatalf("manifest = %+v", manifest)
	}
	m := manifest[0]
	layer := files[m.Layers[0]]
	sum := sha256.Sum256(layer)
	var cfg imageConfig
	if err := json.Unmarshal(files[m.Config], &cfg); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"sha256:" + hex.EncodeToString(sum[:])}, cfg.RootFS.DiffIDs); diff != "" {
		t.Errorf("diff_ids (-want +got):\n%s", diff)
	}
	cfgSum := sha256.Sum256(files[m.Config])
	if got, want := m.Config, hex.EncodeToString(cfgSum[:])+".json"; got != want {
		t.Errorf("config name %s, want %s", got, want)
	}
	return m, cfg, layer
}

func TestWriteDockerArchive(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "trainer")
	if err := os.WriteFile(bin, []byte("#!fake"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data", "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "sub", "x.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	spec := ImageSpec{
		Name: "localhost/mlexp/trainer:dev",
		Entries: []ImageEntry{
			{Path: "/usr/local/bin/trainer", Src: bin},
			{Path: "/bin/sh", Link: "/bin/busybox"},
			{Path: "/tmp", Dir: true, Mode: 0o1777},
			{Path: "/etc/hello", Data: []byte("hi\n")},
			{Path: "/data", Src: filepath.Join(dir, "data")},
		},
		Entrypoint: []string{"/usr/local/bin/trainer"},
		Env:        []string{"A=1"},
	}
	var buf bytes.Buffer
	if err := WriteDockerArchive(&buf, spec); err != nil {
		t.Fatal(err)
	}
	manifest, cfg, layer := readArchive(t, buf.Bytes())
	if diff := cmp.Diff([]string{"localhost/mlexp/trainer:dev"}, manifest.RepoTags); diff != "" {
		t.Errorf("RepoTags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{defaultPath, "A=1"}, cfg.Config.Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/usr/local/bin/trainer"}, cfg.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint (-want +got):\n%s", diff)
	}
	items, _ := readTar(t, layer)
	want := []tarItem{
		{Name: "bin/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "bin/sh", Type: tar.TypeSymlink, Mode: 0o777, Link: "/bin/busybox"},
		{Name: "data/", Type: tar.TypeDir, Mode: 0o750},
		{Name: "data/sub/", Type: tar.TypeDir, Mode: 0o750},
		{Name: "data/sub/x.txt", Type: tar.TypeReg, Mode: 0o600, Data: "x"},
		{Name: "etc/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "etc/hello", Type: tar.TypeReg, Mode: 0o644, Data: "hi\n"},
		{Name: "tmp/", Type: tar.TypeDir, Mode: 0o1777},
		{Name: "usr/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "usr/local/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "usr/local/bin/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "usr/local/bin/trainer", Type: tar.TypeReg, Mode: 0o755, Data: "#!fake"},
	}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Errorf("layer (-want +got):\n%s", diff)
	}

	var again bytes.Buffer
	if err := WriteDockerArchive(&again, spec); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("the same spec gave a different archive")
	}
}

func TestWriteDockerArchiveErrors(t *testing.T) {
	tests := []struct {
		name string
		spec ImageSpec
	}{
		{"no name", ImageSpec{}},
		{"relative path", ImageSpec{Name: "x:dev", Entries: []ImageEntry{{Path: "bin/x", Data: []byte("x")}}}},
		{"missing source", ImageSpec{Name: "x:dev", Entries: []ImageEntry{{Path: "/x", Src: "/nonexistent/x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := WriteDockerArchive(io.Discard, tt.spec); err == nil {
				t.Error("want an error")
			}
		})
	}
}

func TestBusyboxEntries(t *testing.T) {
	es := BusyboxEntries("/host/busybox", []string{"bin/sh", "usr/bin/head", "/bin/busybox", "sbin/ifconfig"})
	var links []string
	for _, e := range es {
		if e.Link != "" {
			links = append(links, e.Path+"->"+e.Link)
		}
	}
	want := []string{"/bin/sh->/bin/busybox", "/usr/bin/head->/bin/busybox", "/sbin/ifconfig->/bin/busybox"}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if es[0].Path != "/bin/busybox" || es[0].Src != "/host/busybox" {
		t.Errorf("first entry = %+v", es[0])
	}
}

func TestParseImageArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    ImageSpec
		out     string
		wantErr bool
	}{
		{
			name: "files, link, env, json entrypoint",
			args: []string{"--name", "localhost/mlexp/trainer:dev", "--add", "bin/trainer:/bin/trainer",
				"--symlink", "/usr/bin/train:/bin/trainer", "--dir", "/data", "--env", "K=V",
				"--entrypoint", `["/bin/trainer","--x"]`, "--cmd", "a b", "--workdir", "/data", "--out", "t.tar"},
			want: ImageSpec{Name: "localhost/mlexp/trainer:dev",
				Entries: []ImageEntry{
					{Path: "/bin/trainer", Src: "bin/trainer"},
					{Path: "/usr/bin/train", Link: "/bin/trainer"},
					{Path: "/data", Dir: true},
				},
				Entrypoint: []string{"/bin/trainer", "--x"}, Cmd: []string{"a", "b"},
				Env: []string{"K=V"}, WorkingDir: "/data"},
			out: "t.tar",
		},
		{name: "no name", args: []string{"--add", "a:/b"}, wantErr: true},
		{name: "bad add", args: []string{"--name", "x:dev", "--add", "nocolon"}, wantErr: true},
		{name: "bad json", args: []string{"--name", "x:dev", "--entrypoint", "[1"}, wantErr: true},
		{name: "positional", args: []string{"--name", "x:dev", "extra"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, out, err := ParseImageArgs(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
			if out != tt.out {
				t.Errorf("out = %q, want %q", out, tt.out)
			}
		})
	}
}

func TestArchiveName(t *testing.T) {
	if got := archiveName("localhost/mlexp/toolbox:dev"); got != "localhost_mlexp_toolbox_dev.tar" {
		t.Errorf("archiveName = %q", got)
	}
}
