package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// fakeSHA is a stable sha256-shaped value for a URL.
func fakeSHA(url string) (string, error) {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(url))), nil
}

// validPlugin is a manifest that passes validate.
func validPlugin() Plugin {
	p := Plugin{
		APIVersion: krewAPIVersion,
		Kind:       "Plugin",
		Metadata:   Metadata{Name: "mlexp"},
		Spec:       PluginSpec{Version: "v0.1.0", Homepage: "https://example.com", ShortDescription: "short"},
	}
	for _, pl := range allPlatforms {
		p.Spec.Platforms = append(p.Spec.Platforms, PlatformSpec{
			Selector: &Selector{MatchLabels: map[string]string{"os": pl.OS, "arch": pl.Arch}},
			URI:      releaseURL("v0.1.0", pl),
			Sha256:   strings.Repeat("a", 64),
			Bin:      pl.BinaryName(),
			Files:    []FileOperation{{From: pl.BinaryName(), To: "."}, {From: "LICENSE", To: "."}},
		})
	}
	return p
}

func TestValidate(t *testing.T) {
	tests := map[string]struct {
		edit    func(*Plugin)
		wantErr string
	}{
		"valid":            {edit: func(*Plugin) {}},
		"wrong apiVersion": {edit: func(p *Plugin) { p.APIVersion = "v1" }, wantErr: "apiVersion"},
		"wrong kind":       {edit: func(p *Plugin) { p.Kind = "Thing" }, wantErr: "kind"},
		"wrong name":       {edit: func(p *Plugin) { p.Metadata.Name = "ml" }, wantErr: "metadata.name"},
		"version without v": {
			edit: func(p *Plugin) { p.Spec.Version = "0.1.0" }, wantErr: "leading v",
		},
		"short description of 51 characters": {
			edit: func(p *Plugin) { p.Spec.ShortDescription = strings.Repeat("x", 51) }, wantErr: "more than 50",
		},
		"two-line short description": {
			edit: func(p *Plugin) { p.Spec.ShortDescription = "a\nb" }, wantErr: "shortDescription",
		},
		"short sha256": {
			edit: func(p *Plugin) { p.Spec.Platforms[0].Sha256 = "abc" }, wantErr: "64 lowercase hex",
		},
		"uppercase sha256": {
			edit: func(p *Plugin) { p.Spec.Platforms[0].Sha256 = strings.Repeat("A", 64) }, wantErr: "64 lowercase hex",
		},
		"no selector": {
			edit: func(p *Plugin) { p.Spec.Platforms[1].Selector = nil }, wantErr: "selector",
		},
		"unsupported selector key": {
			edit: func(p *Plugin) { p.Spec.Platforms[1].Selector.MatchLabels["distro"] = "x" }, wantErr: "distro",
		},
		"uri of another version": {
			edit: func(p *Plugin) { p.Spec.Platforms[2].URI = releaseURL("v0.0.9", allPlatforms[2]) }, wantErr: "uri",
		},
		"windows bin without .exe": {
			edit: func(p *Plugin) { p.Spec.Platforms[4].Bin = "kubectl-mlexp" }, wantErr: "bin",
		},
		"LICENSE not installed": {
			edit: func(p *Plugin) { p.Spec.Platforms[3].Files = p.Spec.Platforms[3].Files[:1] }, wantErr: "LICENSE",
		},
		"platform missing": {
			edit: func(p *Plugin) { p.Spec.Platforms = p.Spec.Platforms[:5] }, wantErr: "no entry for windows/arm64",
		},
		"platform twice": {
			edit: func(p *Plugin) { p.Spec.Platforms = append(p.Spec.Platforms, p.Spec.Platforms[0]) }, wantErr: "twice",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := validPlugin()
			tc.edit(&p)
			err := p.validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("validate() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("validate() = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseManifestIsStrict(t *testing.T) {
	data, err := yaml.Marshal(validPlugin())
	if err != nil {
		t.Fatal(err)
	}
	typo := strings.Replace(string(data), "sha256:", "sha265:", 1)
	if _, err := parseManifest([]byte(typo)); err == nil {
		t.Fatal("parseManifest accepted an unknown field sha265")
	}
	p, err := parseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(validPlugin(), p); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestRenderTemplate(t *testing.T) {
	tests := map[string]struct {
		tmpl, want string
	}{
		"bot default four-space block": {
			tmpl: "  - x: 1\n    {{ addURIAndSha \"https://h/{{ .TagName }}/a_{{ .Version }}.tgz\" .TagName }}\n",
			want: "  - x: 1\n    uri: https://h/v1.2.3/a_1.2.3.tgz\n    sha256: " + mustSHA("https://h/v1.2.3/a_1.2.3.tgz") + "\n",
		},
		"indent six": {
			tmpl: "      {{ addURIAndSha \"https://h/{{ .TagName }}\" .TagName | indent 6 }}\n",
			want: "      uri: https://h/v1.2.3\n      sha256: " + mustSHA("https://h/v1.2.3") + "\n",
		},
		"version field": {tmpl: "version: {{ .TagName }}\n", want: "version: v1.2.3\n"},
		"template comment dropped": {
			tmpl: "{{- /* note */ -}}\nkind: Plugin\n", want: "kind: Plugin\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := renderTemplate([]byte(tc.tmpl), "v1.2.3", fakeSHA)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("render (-want +got):\n%s", diff)
			}
		})
	}
}

func mustSHA(url string) string {
	s, _ := fakeSHA(url)
	return s
}

func TestRenderTemplateUnknownField(t *testing.T) {
	if _, err := renderTemplate([]byte("{{ .Tag }}"), "v1.0.0", fakeSHA); err == nil {
		t.Fatal("want an error for an unknown template field")
	}
}

// TestKrewTemplate renders the repository's krew.yaml and validates it.
func TestKrewTemplate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "krew.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := renderTemplate(data, "v9.8.7", fakeSHA)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateManifest(out); err != nil {
		t.Fatalf("krew.yaml rendered for v9.8.7 is not a valid manifest: %v", err)
	}
}

// TestCommittedManifest checks plugins/mlexp.yaml's shape and that it is
// krew.yaml rendered for its version (`make krew-manifest-check` also
// rebuilds the archives).
func TestCommittedManifest(t *testing.T) {
	name := filepath.Join("..", "..", "plugins", "mlexp.yaml")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.validate(); err != nil {
		t.Fatal(err)
	}
	if err := checkTemplate(filepath.Join("..", "..", "krew.yaml"), p, data); err != nil {
		t.Fatal(err)
	}
	if headerField(data, "source-commit") == "" || headerField(data, "go") == "" {
		t.Errorf("%s does not name its source-commit and go version", name)
	}
}

func TestHeader(t *testing.T) {
	s := Source{Commit: strings.Repeat("c", 40), GoVersion: "go1.26.8", Date: time.Unix(0, 0)}
	data := []byte(manifestHeader(s) + "apiVersion: x\n# not a header: y\n")
	if got := headerField(data, "source-commit"); got != s.Commit {
		t.Errorf("source-commit = %q, want %q", got, s.Commit)
	}
	if got := headerField(data, "go"); got != "go1.26.8" {
		t.Errorf("go = %q, want go1.26.8", got)
	}
	if got := headerField(data, "not a header"); got != "" {
		t.Errorf("a comment after the header was read: %q", got)
	}
	if diff := cmp.Diff("apiVersion: x\n# not a header: y\n", string(stripHeader(data))); diff != "" {
		t.Errorf("stripHeader (-want +got):\n%s", diff)
	}
}

func TestStaleness(t *testing.T) {
	c1, c2 := strings.Repeat("1", 40), strings.Repeat("2", 40)
	data := []byte(manifestHeader(Source{Commit: c1, GoVersion: "go1.26.8"}))
	tests := map[string]struct {
		data []byte
		src  Source
		want string
	}{
		"fresh":      {data, Source{Commit: c1, GoVersion: "go1.26.8"}, ""},
		"new commit": {data, Source{Commit: c2, GoVersion: "go1.26.8"}, "generated from source commit 111111111111, the source is now at 222222222222"},
		"other go":   {data, Source{Commit: c1, GoVersion: "go1.27.0"}, "generated with go1.26.8, this is go1.27.0"},
		"dirty":      {data, Source{Commit: c1, GoVersion: "go1.26.8", Dirty: []string{"pkg/a.go"}}, "uncommitted changes to pkg/a.go"},
		"no header":  {[]byte("apiVersion: x\n"), Source{Commit: c1}, "the manifest does not name its source-commit"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, staleness(tc.data, tc.src)); diff != "" {
				t.Errorf("staleness (-want +got):\n%s", diff)
			}
		})
	}
}
