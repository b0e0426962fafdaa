package main

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"time"
)

// entry is one file in a release archive.
type entry struct {
	// Name is the path inside the archive.
	Name string
	// Mode is the permission bits recorded in the archive.
	Mode fs.FileMode
	// Source is the file on disk whose bytes are archived.
	Source string
}

// archiveEntries lists an archive's entries in goreleaser's order: the extra
// files sorted by name, then the binary. The completion shim is a shell
// script, so Windows archives leave it out.
func archiveEntries(p Platform, binary string) []entry {
	extra := []entry{
		{Name: "LICENSE", Mode: 0o644, Source: "LICENSE"},
		{Name: "README.md", Mode: 0o644, Source: "README.md"},
	}
	if p.OS != "windows" {
		extra = append(extra, entry{Name: "kubectl_complete-mlexp", Mode: 0o755, Source: "kubectl_complete-mlexp"})
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].Name < extra[j].Name })
	return append(extra, entry{Name: p.BinaryName(), Mode: 0o755, Source: binary})
}

// fakeInfo is the fs.FileInfo of an archive entry: only what the archive
// records, so nothing about the machine that built it leaks in.
type fakeInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (f fakeInfo) Name() string       { return f.name }
func (f fakeInfo) Size() int64        { return f.size }
func (f fakeInfo) Mode() fs.FileMode  { return f.mode }
func (f fakeInfo) ModTime() time.Time { return f.mtime }
func (f fakeInfo) IsDir() bool        { return false }
func (f fakeInfo) Sys() any           { return nil }

// writeArchive writes entries to w as a tar.gz or a zip (by format), every
// entry owned by root:root with the given mtime. The bytes depend only on the
// entries' names, modes and contents, mtime and the Go version.
func writeArchive(w io.Writer, format string, entries []entry, mtime time.Time) error {
	switch format {
	case "tar.gz":
		return writeTarGz(w, entries, mtime)
	case "zip":
		return writeZip(w, entries, mtime)
	}
	return fmt.Errorf("unknown archive format %q", format)
}

// writeTarGz builds headers the way goreleaser's tar archiver does
// (tar.FileInfoHeader, then name, mtime, mode, owner and group from the
// config) and compresses with gzip.BestCompression and an empty gzip header.
func writeTarGz(w io.Writer, entries []entry, mtime time.Time) error {
	gw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gw)
	for _, e := range entries {
		if err := addTar(tw, e, mtime); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gw.Close()
}

func addTar(tw *tar.Writer, e entry, mtime time.Time) error {
	f, size, err := openRegular(e.Source)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr, err := tar.FileInfoHeader(fakeInfo{name: path.Base(e.Name), size: size, mode: e.Mode, mtime: mtime}, "")
	if err != nil {
		return fmt.Errorf("%s: %w", e.Source, err)
	}
	hdr.Name = e.Name
	hdr.ModTime = mtime
	hdr.Mode = int64(e.Mode)
	hdr.Uid, hdr.Uname = 0, "root"
	hdr.Gid, hdr.Gname = 0, "root"
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", e.Source, err)
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("%s: %w", e.Source, err)
	}
	return nil
}

// writeZip builds headers the way goreleaser's zip archiver does
// (zip.FileInfoHeader, deflate at flate.BestCompression, mtime and mode from
// the config).
func writeZip(w io.Writer, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, e := range entries {
		if err := addZip(zw, e, mtime); err != nil {
			return err
		}
	}
	return zw.Close()
}

func addZip(zw *zip.Writer, e entry, mtime time.Time) error {
	f, size, err := openRegular(e.Source)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr, err := zip.FileInfoHeader(fakeInfo{name: path.Base(e.Name), size: size, mode: e.Mode, mtime: mtime})
	if err != nil {
		return fmt.Errorf("%s: %w", e.Source, err)
	}
	hdr.Name = e.Name
	hdr.Method = zip.Deflate
	hdr.Modified = mtime
	hdr.SetMode(e.Mode)
	zf, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Source, err)
	}
	if _, err := io.Copy(zf, f); err != nil {
		return fmt.Errorf("%s: %w", e.Source, err)
	}
	return nil
}

// openRegular opens a regular file and returns its size.
func openRegular(name string) (*os.File, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: release archives ship it: %w", name, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file", name)
	}
	return f, st.Size(), nil
}
