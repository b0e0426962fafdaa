package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// listed is what a test reads back from an archive entry.
type listed struct {
	Name, Uname, Gname string
	Mode               int64
	Uid, Gid           int
	ModTime            time.Time
	Body               string
}

func writeFiles(t *testing.T, dir string, files map[string]string, mtime time.Time) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

func testEntries(dir string, p Platform) []entry {
	es := archiveEntries(p, filepath.Join(dir, "bin"))
	for i := range es {
		if es[i].Source != filepath.Join(dir, "bin") {
			es[i].Source = filepath.Join(dir, es[i].Source)
		}
	}
	return es
}

var testFiles = map[string]string{
	"LICENSE": "license", "README.md": "readme", "kubectl_complete-mlexp": "shim", "bin": "binary",
}

func TestTarGzLayout(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, testFiles, time.Unix(1, 0))
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	if err := writeArchive(&buf, "tar.gz", testEntries(dir, Platform{"linux", "amd64"}), mtime); err != nil {
		t.Fatal(err)
	}
	hdr := buf.Bytes()[:10]
	if diff := cmp.Diff([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff}, hdr); diff != "" {
		t.Errorf("gzip header: no name, no mtime, best compression (-want +got):\n%s", diff)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var got []listed
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		got = append(got, listed{h.Name, h.Uname, h.Gname, h.Mode, h.Uid, h.Gid, h.ModTime.UTC(), string(body)})
	}
	want := []listed{
		{"LICENSE", "root", "root", 0o644, 0, 0, mtime, "license"},
		{"README.md", "root", "root", 0o644, 0, 0, mtime, "readme"},
		{"kubectl_complete-mlexp", "root", "root", 0o755, 0, 0, mtime, "shim"},
		{"kubectl-mlexp", "root", "root", 0o755, 0, 0, mtime, "binary"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestZipLayout(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, testFiles, time.Unix(1, 0))
	mtime := time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)
	var buf bytes.Buffer
	if err := writeArchive(&buf, "zip", testEntries(dir, Platform{"windows", "arm64"}), mtime); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var got []listed
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		got = append(got, listed{Name: f.Name, Mode: int64(f.Mode()), ModTime: f.Modified.UTC(), Body: string(body)})
	}
	want := []listed{
		{Name: "LICENSE", Mode: 0o644, ModTime: mtime, Body: "license"},
		{Name: "README.md", Mode: 0o644, ModTime: mtime, Body: "readme"},
		{Name: "kubectl-mlexp.exe", Mode: 0o755, ModTime: mtime, Body: "binary"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries, no completion shim on windows (-want +got):\n%s", diff)
	}
}

// TestArchiveReproducible builds the same archive from copies that differ in
// everything but content (directory, file mtimes, permissions) and wants the
// same bytes.
func TestArchiveReproducible(t *testing.T) {
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []Platform{{"linux", "arm64"}, {"windows", "amd64"}} {
		t.Run(p.String(), func(t *testing.T) {
			var outs [][]byte
			for i, fileTime := range []time.Time{time.Unix(1, 0), time.Now()} {
				dir := t.TempDir()
				writeFiles(t, dir, testFiles, fileTime)
				if i == 1 {
					if err := os.Chmod(filepath.Join(dir, "LICENSE"), 0o777); err != nil {
						t.Fatal(err)
					}
				}
				var buf bytes.Buffer
				if err := writeArchive(&buf, p.Format(), testEntries(dir, p), mtime); err != nil {
					t.Fatal(err)
				}
				outs = append(outs, buf.Bytes())
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Errorf("two builds of the same content differ")
			}
		})
	}
}

func TestArchiveMissingFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"LICENSE": "l", "bin": "b"}, time.Unix(1, 0))
	err := writeArchive(io.Discard, "tar.gz", testEntries(dir, Platform{"linux", "amd64"}), time.Unix(0, 0))
	if err == nil {
		t.Fatal("want an error for a missing README.md")
	}
}
