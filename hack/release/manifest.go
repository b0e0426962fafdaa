package main

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"text/template"
	"unicode/utf8"

	"sigs.k8s.io/yaml"
)

const (
	// pluginName is the krew plugin name (`kubectl krew install mlexp`).
	pluginName = "mlexp"
	// krewAPIVersion is the only manifest apiVersion krew accepts.
	krewAPIVersion = "krew.googlecontainertools.github.com/v1alpha2"
	// releaseBase is where a tag's release assets are downloaded from.
	releaseBase = "https://github.com/mlexp/kubectl-mlexp/releases/download/"
)

// Plugin is a krew plugin manifest (krew's index.Plugin, v1alpha2).
type Plugin struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   Metadata   `json:"metadata"`
	Spec       PluginSpec `json:"spec"`
}

// Metadata is the manifest's object metadata; krew reads only the name.
type Metadata struct {
	Name string `json:"name"`
}

// PluginSpec describes the plugin and where each platform's archive is.
type PluginSpec struct {
	Version          string         `json:"version"`
	Homepage         string         `json:"homepage,omitempty"`
	ShortDescription string         `json:"shortDescription,omitempty"`
	Description      string         `json:"description,omitempty"`
	Caveats          string         `json:"caveats,omitempty"`
	Platforms        []PlatformSpec `json:"platforms"`
}

// PlatformSpec is one platform's archive and what krew installs from it.
type PlatformSpec struct {
	Selector *Selector       `json:"selector,omitempty"`
	URI      string          `json:"uri,omitempty"`
	Sha256   string          `json:"sha256,omitempty"`
	Files    []FileOperation `json:"files,omitempty"`
	Bin      string          `json:"bin,omitempty"`
}

// Selector picks a platform by os and arch labels.
type Selector struct {
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

// FileOperation copies From in the archive to To in the install directory.
type FileOperation struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// parseManifest reads a manifest strictly: unknown fields are errors.
func parseManifest(data []byte) (Plugin, error) {
	var p Plugin
	if err := yaml.UnmarshalStrict(data, &p); err != nil {
		return p, fmt.Errorf("parsing the krew manifest: %w", err)
	}
	return p, nil
}

var sha256Pattern = regexp.MustCompile(`^[a-f0-9]{64}$`)

// releaseURL is where platform p's archive of version is published.
func releaseURL(version string, p Platform) string {
	return releaseBase + version + "/" + p.ArchiveName(version)
}

// validate checks everything krew checks on install and what krew-index
// asks of a manifest, plus this project's layout: every release platform
// once, each URI the tag's release asset, the binary and LICENSE installed.
// maxShortDescription is the longest shortDescription `kubectl krew search`
// shows whole.
const maxShortDescription = 50

func (p Plugin) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.APIVersion != krewAPIVersion {
		bad("apiVersion is %q, want %q", p.APIVersion, krewAPIVersion)
	}
	if p.Kind != "Plugin" {
		bad("kind is %q, want Plugin", p.Kind)
	}
	if p.Metadata.Name != pluginName {
		bad("metadata.name is %q, want %q", p.Metadata.Name, pluginName)
	}
	s := p.Spec
	if !versionPattern.MatchString(s.Version) {
		bad("spec.version %q is not a semantic version with a leading v", s.Version)
	}
	if s.ShortDescription == "" || strings.ContainsAny(s.ShortDescription, "\r\n") {
		bad("spec.shortDescription must be one non-empty line")
	}
	if n := utf8.RuneCountInString(s.ShortDescription); n > maxShortDescription {
		bad("spec.shortDescription has %d characters, more than %d (krew search cuts it)", n, maxShortDescription)
	}
	if s.Homepage == "" {
		bad("spec.homepage is empty")
	}
	seen := map[Platform]bool{}
	for i, pl := range s.Platforms {
		plat, err := pl.validate(s.Version)
		if err != nil {
			bad("spec.platforms[%d]: %w", i, err)
			continue
		}
		if seen[plat] {
			bad("spec.platforms[%d]: %s is listed twice", i, plat)
		}
		seen[plat] = true
	}
	for _, want := range allPlatforms {
		if !seen[want] {
			bad("spec.platforms: no entry for %s", want)
		}
	}
	return errors.Join(errs...)
}

// validate checks one platform entry and returns the platform it selects.
func (pl PlatformSpec) validate(version string) (Platform, error) {
	var plat Platform
	if pl.Selector == nil || len(pl.Selector.MatchLabels) == 0 {
		return plat, errors.New("selector.matchLabels with os and arch is required")
	}
	for k := range pl.Selector.MatchLabels {
		if k != "os" && k != "arch" {
			return plat, fmt.Errorf("selector key %q is not supported (only os and arch)", k)
		}
	}
	plat = Platform{pl.Selector.MatchLabels["os"], pl.Selector.MatchLabels["arch"]}
	if _, err := parsePlatforms(plat.String()); err != nil {
		return plat, err
	}
	if want := releaseURL(version, plat); pl.URI != want {
		return plat, fmt.Errorf("uri is %q, want %q", pl.URI, want)
	}
	if !sha256Pattern.MatchString(pl.Sha256) {
		return plat, fmt.Errorf("sha256 %q is not 64 lowercase hex digits", pl.Sha256)
	}
	if pl.Bin != plat.BinaryName() {
		return plat, fmt.Errorf("bin is %q, want %q", pl.Bin, plat.BinaryName())
	}
	from := map[string]bool{}
	for _, f := range pl.Files {
		if f.From == "" || f.To == "" {
			return plat, errors.New("files: every entry needs from and to")
		}
		from[path.Clean(f.From)] = true
	}
	for _, need := range []string{plat.BinaryName(), "LICENSE"} {
		if !from[need] {
			return plat, fmt.Errorf("files: %s is not installed", need)
		}
	}
	return plat, nil
}

// templateValues are what krew-release-bot passes to a .krew.yaml template.
type templateValues struct {
	TagName string
	Version string
}

func newTemplateValues(tag string) templateValues {
	return templateValues{TagName: tag, Version: strings.TrimPrefix(tag, "v")}
}

// renderTemplate renders a krew-release-bot style template (krew.yaml) for
// tag. addURIAndSha expands its URL (itself a template) and asks sha for the
// archive's sha256; indent re-indents that block. The output is what the
// bot would publish for the same archives.
func renderTemplate(tmpl []byte, tag string, sha func(url string) (string, error)) ([]byte, error) {
	funcs := template.FuncMap{
		"addURIAndSha": func(urlTmpl, tag string) (string, error) {
			t, err := template.New("url").Option("missingkey=error").Parse(urlTmpl)
			if err != nil {
				return "", err
			}
			var url bytes.Buffer
			if err := t.Execute(&url, newTemplateValues(tag)); err != nil {
				return "", err
			}
			sum, err := sha(url.String())
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("uri: %s\n    sha256: %s", url.String(), sum), nil
		},
		"indent": func(spaces int, v string) string {
			v = strings.ReplaceAll(v, "    sha256:", "sha256:")
			pad := strings.Repeat(" ", spaces)
			return strings.TrimSpace(pad + strings.ReplaceAll(v, "\n", "\n"+pad))
		},
	}
	t, err := template.New("krew.yaml").Funcs(funcs).Option("missingkey=error").Parse(string(tmpl))
	if err != nil {
		return nil, fmt.Errorf("parsing krew.yaml: %w", err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, newTemplateValues(tag)); err != nil {
		return nil, fmt.Errorf("rendering krew.yaml: %w", err)
	}
	return out.Bytes(), nil
}

// distSHA resolves a release URL to the sha256 of the archive of the same
// name in dist.
func distSHA(dist string) func(string) (string, error) {
	return func(url string) (string, error) {
		name := path.Join(dist, path.Base(url))
		sum, err := fileSHA256(name)
		if err != nil {
			return "", fmt.Errorf("no archive for %s in %s (build it with `go run ./hack/release build`): %w", url, dist, err)
		}
		return sum, nil
	}
}

// manifestHeader is the comment that starts a generated manifest; check
// reads the source commit and Go version back from it.
func manifestHeader(s Source) string {
	return "# Generated from krew.yaml by `make krew-manifest` (go run ./hack/release manifest): do not edit.\n" +
		"# The sha256 values are those of the archives hack/release builds from\n" +
		"# source-commit: " + s.Commit + "\n" +
		"# go: " + s.GoVersion + "\n"
}

// headerField returns the value of a "# key: value" line of a manifest.
func headerField(data []byte, key string) string {
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "# "+key+": "); ok {
			return strings.TrimSpace(v)
		}
		if !strings.HasPrefix(line, "#") {
			break
		}
	}
	return ""
}

// stripHeader drops a manifest's leading comment lines.
func stripHeader(data []byte) []byte {
	for bytes.HasPrefix(data, []byte("#")) {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil
		}
		data = data[i+1:]
	}
	return data
}
