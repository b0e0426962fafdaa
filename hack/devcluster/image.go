package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// ImageEntry is one file, directory or symlink of an image's only layer.
type ImageEntry struct {
	Path string      // absolute path in the image
	Src  string      // host file or directory to copy (files keep their mode)
	Data []byte      // literal content when Src is empty and this is a file
	Link string      // symlink target when set
	Dir  bool        // an (empty) directory
	Mode fs.FileMode // permission bits for Data files and Dir; 0 means 0644 / 0755
}

// ImageSpec is a single-layer image.
type ImageSpec struct {
	Name       string // e.g. localhost/mlexp/toolbox:dev
	Entries    []ImageEntry
	Entrypoint []string
	Cmd        []string
	Env        []string
	WorkingDir string
}

// defaultPath is the PATH of an image that sets none.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// epoch is the fixed timestamp of every layer entry, so equal inputs give equal digests.
var epoch = time.Unix(0, 0).UTC()

type layerEntry struct {
	hdr  *tar.Header
	data []byte
	src  string
}

// expand turns entries (directories recursively) into layer entries keyed by clean path,
// adding every missing parent directory.
func expand(entries []ImageEntry) (map[string]layerEntry, error) {
	out := map[string]layerEntry{}
	add := func(p string, e layerEntry) {
		p = strings.TrimPrefix(path.Clean("/"+p), "/")
		e.hdr.Name = p
		if e.hdr.Typeflag == tar.TypeDir {
			e.hdr.Name += "/"
		}
		out[p] = e
		for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
			if _, ok := out[dir]; !ok {
				out[dir] = layerEntry{hdr: &tar.Header{Name: dir + "/", Typeflag: tar.TypeDir, Mode: 0o755}}
			}
		}
	}
	for _, e := range entries {
		if e.Path == "" || !path.IsAbs(e.Path) {
			return nil, fmt.Errorf("image path %q must be absolute", e.Path)
		}
		switch {
		case e.Link != "":
			add(e.Path, layerEntry{hdr: &tar.Header{Typeflag: tar.TypeSymlink, Linkname: e.Link, Mode: 0o777}})
		case e.Dir:
			add(e.Path, layerEntry{hdr: &tar.Header{Typeflag: tar.TypeDir, Mode: int64(orMode(e.Mode, 0o755))}})
		case e.Src == "":
			add(e.Path, layerEntry{hdr: &tar.Header{Typeflag: tar.TypeReg, Mode: int64(orMode(e.Mode, 0o644)), Size: int64(len(e.Data))}, data: e.Data})
		default:
			if err := addHost(e.Src, e.Path, add); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func orMode(m, def fs.FileMode) fs.FileMode {
	if m == 0 {
		return def
	}
	return m
}

// addHost adds a host file (following a top-level symlink) or a directory tree at dst.
func addHost(src, dst string, add func(string, layerEntry)) error {
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		add(dst, layerEntry{hdr: &tar.Header{Typeflag: tar.TypeReg, Mode: int64(fi.Mode().Perm()), Size: fi.Size()}, src: src})
		return nil
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := path.Join(dst, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			add(target, layerEntry{hdr: &tar.Header{Typeflag: tar.TypeDir, Mode: int64(info.Mode().Perm())}})
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			add(target, layerEntry{hdr: &tar.Header{Typeflag: tar.TypeSymlink, Linkname: link, Mode: 0o777}})
		case info.Mode().IsRegular():
			add(target, layerEntry{hdr: &tar.Header{Typeflag: tar.TypeReg, Mode: int64(info.Mode().Perm()), Size: info.Size()}, src: p})
		}
		return nil
	})
}

// writeLayer writes the layer tar, entries sorted by path so parents come first.
func writeLayer(w io.Writer, entries map[string]layerEntry) error {
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := tar.NewWriter(w)
	for _, k := range keys {
		e := entries[k]
		h := *e.hdr
		h.ModTime, h.Format = epoch, tar.FormatPAX
		if err := tw.WriteHeader(&h); err != nil {
			return err
		}
		switch {
		case e.src != "":
			if err := copyFile(tw, e.src, h.Size); err != nil {
				return err
			}
		case e.data != nil:
			if _, err := tw.Write(e.data); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

func copyFile(w io.Writer, src string, size int64) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, size))
	if err == nil && n != size {
		err = fmt.Errorf("%s changed size while writing the image", src)
	}
	return err
}

type imageConfig struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Created      string `json:"created"`
	Config       struct {
		Entrypoint []string `json:"Entrypoint,omitempty"`
		Cmd        []string `json:"Cmd,omitempty"`
		Env        []string `json:"Env,omitempty"`
		WorkingDir string   `json:"WorkingDir,omitempty"`
	} `json:"config"`
	RootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

// ManifestEntry is one entry of a docker-archive manifest.json.
type ManifestEntry struct {
	Config   string   `json:"Config"`
	RepoTags []string `json:"RepoTags"`
	Layers   []string `json:"Layers"`
}

// WriteDockerArchive writes spec as a docker-archive tar (manifest.json, config, one layer),
// the format `ctr images import` reads.
func WriteDockerArchive(w io.Writer, spec ImageSpec) error {
	if spec.Name == "" {
		return fmt.Errorf("image needs a name")
	}
	entries, err := expand(spec.Entries)
	if err != nil {
		return err
	}
	var layer bytes.Buffer
	if err := writeLayer(&layer, entries); err != nil {
		return err
	}
	layerSum := sha256.Sum256(layer.Bytes())
	layerHex := hex.EncodeToString(layerSum[:])

	var cfg imageConfig
	cfg.Architecture, cfg.OS, cfg.Created = runtime.GOARCH, "linux", epoch.Format(time.RFC3339)
	cfg.Config.Entrypoint, cfg.Config.Cmd, cfg.Config.WorkingDir = spec.Entrypoint, spec.Cmd, spec.WorkingDir
	cfg.Config.Env = spec.Env
	if !hasEnv(spec.Env, "PATH") {
		cfg.Config.Env = append([]string{defaultPath}, spec.Env...)
	}
	cfg.RootFS.Type, cfg.RootFS.DiffIDs = "layers", []string{"sha256:" + layerHex}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	cfgSum := sha256.Sum256(cfgJSON)
	cfgName := hex.EncodeToString(cfgSum[:]) + ".json"
	manifest, err := json.Marshal([]ManifestEntry{{Config: cfgName, RepoTags: []string{spec.Name}, Layers: []string{layerHex + "/layer.tar"}}})
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	files := []struct {
		name string
		data []byte
	}{{layerHex + "/layer.tar", layer.Bytes()}, {cfgName, cfgJSON}, {"manifest.json", manifest}}
	if err := tw.WriteHeader(&tar.Header{Name: layerHex + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch}); err != nil {
		return err
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(f.data)), ModTime: epoch}); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

func hasEnv(env []string, key string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, key+"=") {
			return true
		}
	}
	return false
}
