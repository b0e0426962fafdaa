package main

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The plugin's release image, as .goreleaser.yaml's kos publishes it (ko's
// layout: the binary at /ko-app/NAME is the entrypoint): what an
// in-cluster search driver runs (`kubectl mlexp submit --driver=cluster`).
const (
	// ImageEntrypoint is the plugin's path in the image, its entrypoint.
	ImageEntrypoint = "/ko-app/kubectl-mlexp"
	// imageUser is the image's user: nobody, not root.
	imageUser = "65532"
)

// ImagePlatforms are the platforms the release image is built for.
var ImagePlatforms = []Platform{{OS: "linux", Arch: "amd64"}, {OS: "linux", Arch: "arm64"}}

// buildImage builds the plugin for every platform and writes the
// multi-platform image as an OCI layout into dir: no Docker daemon, no
// registry, no base image (the binary is static; the in-cluster
// configuration needs no CA bundle, the service account brings its own).
func buildImage(ctx context.Context, version string, s Source, platforms []Platform, dir string, stderr io.Writer) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		bin := filepath.Join(dir, "bin", p.OS+"-"+p.Arch, "kubectl-mlexp")
		if err := buildBinary(ctx, version, s, p, bin, stderr); err != nil {
			return nil, err
		}
		img, err := platformImage(bin, s, p)
		if err != nil {
			return nil, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: p.OS, Architecture: p.Arch}}})
	}
	if err := os.RemoveAll(filepath.Join(dir, "bin")); err != nil {
		return nil, err
	}
	if _, err := layout.Write(filepath.Join(dir, "oci"), idx); err != nil {
		return nil, fmt.Errorf("write the image: %w", err)
	}
	return idx, nil
}

// platformImage is one platform's image: one layer holding the binary
// and a world-writable /tmp (HOME), stamped with the source's date.
func platformImage(bin string, s Source, p Platform) (v1.Image, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "ko-app/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "tmp/", Typeflag: tar.TypeDir, Mode: 0o1777},
		{Name: strings.TrimPrefix(ImageEntrypoint, "/"), Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(b))},
	} {
		h.ModTime, h.Format = s.Date, tar.FormatPAX
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
	}
	if _, err := tw.Write(b); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Created = p.OS, p.Arch, v1.Time{Time: s.Date}
	cf.Config.Entrypoint = []string{ImageEntrypoint}
	cf.Config.Env = []string{"HOME=/tmp"}
	cf.Config.User = imageUser
	return mutate.ConfigFile(img, cf)
}

func runImage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("image", stderr)
	version := fs.String("version", "", "release tag, e.g. v0.1.0 (required)")
	dir := fs.String("o", "dist/image", "output directory: the OCI layout goes to DIR/oci")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkVersionFlag(*version); err != nil {
		return err
	}
	s, err := readSource(".")
	if err != nil {
		return err
	}
	if _, err := buildImage(ctx, *version, s, ImagePlatforms, *dir, stderr); err != nil {
		return err
	}
	fmt.Fprintln(stdout, filepath.Join(*dir, "oci"))
	return nil
}
