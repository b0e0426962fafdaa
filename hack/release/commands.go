package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

func runManifest(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("manifest", stderr)
	version := fs.String("version", "", "release tag, e.g. v0.1.0 (required)")
	dist := fs.String("dist", "dist", "directory holding the archives")
	tmpl := fs.String("template", "krew.yaml", "krew-release-bot style template")
	out := fs.String("o", "", "output file (default: standard output)")
	allowDirty := fs.Bool("allow-dirty", false, "allow uncommitted changes to the source")
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
	if len(s.Dirty) > 0 && !*allowDirty {
		return fmt.Errorf("uncommitted changes to %s: commit them first, so the manifest names the source its archives are built from",
			strings.Join(s.Dirty, ", "))
	}
	data, err := os.ReadFile(*tmpl)
	if err != nil {
		return err
	}
	body, err := renderTemplate(data, *version, distSHA(*dist))
	if err != nil {
		return err
	}
	if err := validateManifest(body); err != nil {
		return fmt.Errorf("%s rendered for %s: %w", *tmpl, *version, err)
	}
	return writeOutput(*out, stdout, append([]byte(manifestHeader(s)), body...))
}

// validateManifest parses and validates manifest bytes.
func validateManifest(data []byte) error {
	p, err := parseManifest(data)
	if err != nil {
		return err
	}
	return p.validate()
}

func writeOutput(name string, stdout io.Writer, data []byte) error {
	if name == "" || name == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	manifest := fs.String("manifest", filepath.Join("plugins", pluginName+".yaml"), "manifest to check")
	tmpl := fs.String("template", "krew.yaml", "krew-release-bot style template")
	strict := fs.Bool("strict", false, "fail, rather than skip the sha256 comparison, when the manifest is stale")
	noBuild := fs.Bool("no-build", false, "check shape and template only, never rebuild")
	plats := fs.String("platforms", "all", "platforms to rebuild and compare")
	dist := fs.String("dist", "", "compare with the archives in this directory (e.g. goreleaser's dist) instead of rebuilding")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*manifest)
	if err != nil {
		return err
	}
	if base := filepath.Base(*manifest); base != pluginName+".yaml" {
		return fmt.Errorf("%s: krew-index names a manifest after its plugin, %s.yaml", *manifest, pluginName)
	}
	p, err := parseManifest(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *manifest, err)
	}
	if err := p.validate(); err != nil {
		return fmt.Errorf("%s: %w", *manifest, err)
	}
	version := p.Spec.Version
	fmt.Fprintf(stdout, "%s: a valid krew manifest for %s %s, %d platforms\n", *manifest, pluginName, version, len(p.Spec.Platforms))

	if err := checkTemplate(*tmpl, p, data); err != nil {
		return fmt.Errorf("%s: %w", *manifest, err)
	}
	fmt.Fprintf(stdout, "%s: equals %s rendered for %s\n", *manifest, *tmpl, version)
	if *noBuild {
		return nil
	}
	if *dist != "" {
		return compareDist(*manifest, p, *dist, stdout)
	}

	s, err := readSource(".")
	if err != nil {
		return err
	}
	if tagged, _ := output(".", "git", "tag", "--points-at", "HEAD"); containsLine(tagged, version) {
		*strict = true
	}
	if stale := staleness(data, s); stale != "" {
		if *strict {
			return fmt.Errorf("%s is stale (%s): run `make krew-manifest` and commit it", *manifest, stale)
		}
		fmt.Fprintf(stdout, "%s: sha256 values not rebuilt: %s; `make krew-manifest` regenerates them\n", *manifest, stale)
		return nil
	}
	platforms, err := parsePlatforms(*plats)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mlexp-release-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	archives, err := buildArchives(ctx, version, s, platforms, tmp, stderr)
	if err != nil {
		return err
	}
	want := map[string]string{}
	for _, pl := range p.Spec.Platforms {
		want[filepath.Base(pl.URI)] = pl.Sha256
	}
	var errs []error
	for _, a := range archives {
		got, err := fileSHA256(a)
		if err != nil {
			return err
		}
		if w := want[filepath.Base(a)]; got != w {
			errs = append(errs, fmt.Errorf("%s: the manifest has sha256 %s, a rebuild from %.12s gives %s", filepath.Base(a), w, s.Commit, got))
			continue
		}
		fmt.Fprintf(stdout, "%s: rebuilt, sha256 %s matches\n", filepath.Base(a), got)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s does not match a rebuild of its own source: hack/release lays archives out differently since (run `make krew-manifest`), or the build is not reproducible here: %w", *manifest, errors.Join(errs...))
	}
	return nil
}

// compareDist compares the manifest's sha256 values with the archives of
// the same names in dist, as goreleaser left them.
func compareDist(manifest string, p Plugin, dist string, stdout io.Writer) error {
	var errs []error
	for _, pl := range p.Spec.Platforms {
		name := filepath.Base(pl.URI)
		got, err := fileSHA256(filepath.Join(dist, name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if got != pl.Sha256 {
			errs = append(errs, fmt.Errorf("%s: the manifest has sha256 %s, %s has %s", name, pl.Sha256, dist, got))
			continue
		}
		fmt.Fprintf(stdout, "%s: sha256 %s matches\n", name, got)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s does not describe the archives in %s: %w", manifest, dist, errors.Join(errs...))
	}
	return nil
}

// checkTemplate renders the template with the manifest's own sha256 values
// and compares it to the manifest, so an edit to krew.yaml that was not
// regenerated, or a hand edit to the manifest, is caught without building.
func checkTemplate(tmpl string, p Plugin, data []byte) error {
	t, err := os.ReadFile(tmpl)
	if err != nil {
		return err
	}
	shas := map[string]string{}
	for _, pl := range p.Spec.Platforms {
		shas[pl.URI] = pl.Sha256
	}
	got, err := renderTemplate(t, p.Spec.Version, func(url string) (string, error) {
		if sum, ok := shas[url]; ok {
			return sum, nil
		}
		return "", fmt.Errorf("%s has %s but the manifest has no platform with that uri", tmpl, url)
	})
	if err != nil {
		return err
	}
	if have := stripHeader(data); !bytes.Equal(got, have) {
		return fmt.Errorf("differs from %s rendered for %s (%s): run `make krew-manifest`", tmpl, p.Spec.Version, firstDiff(got, have))
	}
	return nil
}

// staleness says why a manifest's sha256 values cannot be expected to match
// a rebuild of the current source, or returns "" when they must.
func staleness(data []byte, s Source) string {
	commit, gov := headerField(data, "source-commit"), headerField(data, "go")
	switch {
	case commit == "":
		return "the manifest does not name its source-commit"
	case commit != s.Commit:
		return fmt.Sprintf("generated from source commit %.12s, the source is now at %.12s", commit, s.Commit)
	case gov != s.GoVersion:
		return fmt.Sprintf("generated with %s, this is %s", gov, s.GoVersion)
	case len(s.Dirty) > 0:
		return "uncommitted changes to " + strings.Join(s.Dirty, ", ")
	}
	return ""
}

// firstDiff describes the first line where want and have differ.
func firstDiff(want, have []byte) string {
	w, h := strings.Split(string(want), "\n"), strings.Split(string(have), "\n")
	for i := 0; i < len(w) || i < len(h); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(h) {
			b = h[i]
		}
		if a != b {
			return fmt.Sprintf("line %d: want %q, have %q", i+1, a, b)
		}
	}
	return "no difference"
}

func containsLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

func runLocalize(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("localize", stderr)
	manifest := fs.String("manifest", filepath.Join("plugins", pluginName+".yaml"), "manifest to copy")
	archive := fs.String("archive", "", "local archive (required)")
	out := fs.String("o", "", "output file (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *archive == "" || *out == "" {
		return errors.New("-archive and -o are required")
	}
	data, err := os.ReadFile(*manifest)
	if err != nil {
		return err
	}
	p, err := parseManifest(data)
	if err != nil {
		return err
	}
	sum, err := fileSHA256(*archive)
	if err != nil {
		return err
	}
	found := false
	same := true
	for i, pl := range p.Spec.Platforms {
		if filepath.Base(pl.URI) == filepath.Base(*archive) {
			found = true
			same = pl.Sha256 == sum
			p.Spec.Platforms[i].Sha256 = sum
		}
	}
	if !found {
		return fmt.Errorf("%s has no platform whose uri names %s", *manifest, filepath.Base(*archive))
	}
	body, err := yaml.Marshal(p)
	if err != nil {
		return err
	}
	header := fmt.Sprintf("# %s with the sha256 of the local archive %s.\n", *manifest, filepath.Base(*archive))
	if err := os.WriteFile(*out, append([]byte(header), body...), 0o644); err != nil {
		return err
	}
	if same {
		fmt.Fprintln(stdout, "same")
	} else {
		fmt.Fprintln(stdout, "changed")
	}
	return nil
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	manifest := fs.String("manifest", filepath.Join("plugins", pluginName+".yaml"), "manifest to read")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*manifest)
	if err != nil {
		return err
	}
	p, err := parseManifest(data)
	if err != nil {
		return err
	}
	if !versionPattern.MatchString(p.Spec.Version) {
		return fmt.Errorf("%s: spec.version %q is not a semantic version with a leading v", *manifest, p.Spec.Version)
	}
	fmt.Fprintln(stdout, p.Spec.Version)
	return nil
}

func runStale(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("stale", stderr)
	manifest := fs.String("manifest", filepath.Join("plugins", pluginName+".yaml"), "manifest to read")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*manifest)
	if err != nil {
		return err
	}
	s, err := readSource(".")
	if err != nil {
		return err
	}
	if reason := staleness(data, s); reason != "" {
		fmt.Fprintln(stdout, reason)
	}
	return nil
}
