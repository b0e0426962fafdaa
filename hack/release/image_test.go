package main

import (
	"context"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// TestImage builds the plugin's release image as the release does (no
// push, no Docker daemon) into an OCI layout, and reads it back: one image
// per platform, the plugin as the entrypoint, not run as root. Its size
// (compressed layers, per platform) is logged with -v.
func TestImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin twice")
	}
	s, err := readSource("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var log strings.Builder
	t.Chdir("../..") // mainPackage is relative to the repository
	if _, err := buildImage(context.Background(), "v0.0.1", s, ImagePlatforms, dir, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	p, err := layout.FromPath(filepath.Join(dir, "oci"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var platforms []string
	for _, d := range m.Manifests {
		platforms = append(platforms, d.Platform.OS+"/"+d.Platform.Architecture)
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{ImageEntrypoint}, cf.Config.Entrypoint); diff != "" {
			t.Errorf("%s entrypoint (-want +got):\n%s", platforms[len(platforms)-1], diff)
		}
		if cf.Config.User == "" || cf.Config.User == "0" || cf.Config.User == "root" {
			t.Errorf("%s runs as %q, want a user that is not root", platforms[len(platforms)-1], cf.Config.User)
		}
		if cf.OS != d.Platform.OS || cf.Architecture != d.Platform.Architecture {
			t.Errorf("config says %s/%s, index says %s", cf.OS, cf.Architecture, platforms[len(platforms)-1])
		}
		layers, err := img.Layers()
		if err != nil {
			t.Fatal(err)
		}
		var size int64
		for _, l := range layers {
			n, err := l.Size()
			if err != nil {
				t.Fatal(err)
			}
			size += n
		}
		rc, err := layers[0].Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.Copy(io.Discard, rc)
		rc.Close()
		t.Logf("image %s: %d layer(s), %.1f MiB compressed, %.1f MiB uncompressed", platforms[len(platforms)-1], len(layers), float64(size)/(1<<20), float64(raw)/(1<<20))
	}
	sort.Strings(platforms)
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, platforms); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
}
