package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// writeManifest writes p as a manifest file in dir and returns its path.
func writeManifest(t *testing.T, dir string, p Plugin) string {
	t.Helper()
	data, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "mlexp.yaml")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestLocalize(t *testing.T) {
	dir := t.TempDir()
	manifest := writeManifest(t, dir, validPlugin())
	archive := filepath.Join(dir, Platform{"linux", "amd64"}.ArchiveName("v0.1.0"))
	if err := os.WriteFile(archive, []byte("an archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := fileSHA256(archive)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out", "mlexp.yaml")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, wantState := range []string{"changed", "same"} {
		var stdout bytes.Buffer
		err := run(context.Background(), []string{"localize", "-manifest", manifest, "-archive", archive, "-o", out}, &stdout, &bytes.Buffer{})
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if got := strings.TrimSpace(stdout.String()); got != wantState {
			t.Errorf("run %d printed %q, want %q", i, got, wantState)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseManifest(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.validate(); err != nil {
			t.Fatalf("localized manifest: %v", err)
		}
		want := validPlugin()
		want.Spec.Platforms[2].Sha256 = sum // linux/amd64
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("localized manifest (-want +got):\n%s", diff)
		}
		manifest = out // the second run starts from the localized copy
	}
}

func TestLocalizeUnknownArchive(t *testing.T) {
	dir := t.TempDir()
	manifest := writeManifest(t, dir, validPlugin())
	archive := filepath.Join(dir, "other.tar.gz")
	if err := os.WriteFile(archive, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"localize", "-manifest", manifest, "-archive", archive, "-o", filepath.Join(dir, "x")}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "no platform") {
		t.Fatalf("localize of an archive no platform names: err = %v", err)
	}
}

func TestCompareDist(t *testing.T) {
	tests := map[string]struct {
		corrupt, remove string
		wantErr         string
	}{
		"all match":     {},
		"one differs":   {corrupt: "kubectl-mlexp_v0.1.0_darwin_arm64.tar.gz", wantErr: "darwin_arm64.tar.gz: the manifest has sha256"},
		"one is absent": {remove: "kubectl-mlexp_v0.1.0_windows_amd64.zip", wantErr: "windows_amd64.zip"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dist := t.TempDir()
			p := validPlugin()
			for i, pl := range allPlatforms {
				f := filepath.Join(dist, pl.ArchiveName("v0.1.0"))
				if err := os.WriteFile(f, []byte(pl.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				sum, err := fileSHA256(f)
				if err != nil {
					t.Fatal(err)
				}
				p.Spec.Platforms[i].Sha256 = sum
			}
			if tc.corrupt != "" {
				if err := os.WriteFile(filepath.Join(dist, tc.corrupt), []byte("other"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.remove != "" {
				if err := os.Remove(filepath.Join(dist, tc.remove)); err != nil {
					t.Fatal(err)
				}
			}
			err := compareDist("mlexp.yaml", p, dist, &bytes.Buffer{})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("compareDist() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("compareDist() = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCheckTemplateCatchesHandEdits(t *testing.T) {
	tmpl := filepath.Join("..", "..", "krew.yaml")
	t.Run("rendered manifest passes", func(t *testing.T) {
		data := renderForTest(t, tmpl)
		p, err := parseManifest(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkTemplate(tmpl, p, data); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("edited description fails", func(t *testing.T) {
		data := bytes.Replace(renderForTest(t, tmpl), []byte("shortDescription: "), []byte("shortDescription: Edited. "), 1)
		p, err := parseManifest(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkTemplate(tmpl, p, data); err == nil || !strings.Contains(err.Error(), "make krew-manifest") {
			t.Fatalf("checkTemplate() = %v, want a difference reported", err)
		}
	})
}

func renderForTest(t *testing.T, tmpl string) []byte {
	t.Helper()
	data, err := os.ReadFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	out, err := renderTemplate(data, "v0.1.0", fakeSHA)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRunUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"publish"}, &bytes.Buffer{}, &stderr); err == nil {
		t.Fatal("want an error for an unknown command")
	}
	if !strings.Contains(stderr.String(), "usage:") {
		t.Errorf("stderr lacks the usage: %q", stderr.String())
	}
}
