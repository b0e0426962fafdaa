package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

const (
	// project is the binary and archive name prefix.
	project = "kubectl-mlexp"
	// mainPackage is the plugin's main package.
	mainPackage = "./cmd/kubectl-mlexp"
	// versionPackage holds the variables set at link time.
	versionPackage = "github.com/mlexp/kubectl-mlexp/pkg/version"
)

// Platform is one os/arch a release is built for.
type Platform struct {
	OS, Arch string
}

// allPlatforms are the release platforms, as in .goreleaser.yaml.
var allPlatforms = []Platform{
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"linux", "amd64"}, {"linux", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// String is "os/arch".
func (p Platform) String() string { return p.OS + "/" + p.Arch }

// BinaryName is the plugin binary's file name on p.
func (p Platform) BinaryName() string {
	if p.OS == "windows" {
		return project + ".exe"
	}
	return project
}

// Format is the archive format for p: zip on Windows, tar.gz elsewhere.
func (p Platform) Format() string {
	if p.OS == "windows" {
		return "zip"
	}
	return "tar.gz"
}

// ArchiveName is the release archive's file name, goreleaser's
// "kubectl-mlexp_{{ .Tag }}_{{ .Os }}_{{ .Arch }}" plus the format.
func (p Platform) ArchiveName(version string) string {
	return fmt.Sprintf("%s_%s_%s_%s.%s", project, version, p.OS, p.Arch, p.Format())
}

// parsePlatforms parses a comma-separated os/arch list; empty means all.
func parsePlatforms(s string) ([]Platform, error) {
	if s == "" || s == "all" {
		return allPlatforms, nil
	}
	var out []Platform
	for _, f := range strings.Split(s, ",") {
		goos, goarch, _ := strings.Cut(strings.TrimSpace(f), "/")
		p := Platform{goos, goarch}
		found := false
		for _, q := range allPlatforms {
			found = found || q == p
		}
		if !found {
			return nil, fmt.Errorf("platform %q is not a release platform (%v)", f, allPlatforms)
		}
		out = append(out, p)
	}
	return out, nil
}

// versionPattern is a krew-compatible release tag: semver with a leading v.
var versionPattern = regexp.MustCompile(`^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// ldflags are the linker flags for a release, in the order .goreleaser.yaml
// lists them (the string is recorded in the binary's build info).
func ldflags(version string, s Source) string {
	return strings.Join([]string{
		"-s -w",
		"-X " + versionPackage + ".Version=" + version,
		"-X " + versionPackage + ".Commit=" + s.Commit,
		"-X " + versionPackage + ".Date=" + s.DateString(),
	}, " ")
}

// buildEnv is the environment for a reproducible cross build: cgo off, no
// GOFLAGS from the caller, and the GOAMD64/GOARM64 levels goreleaser sets.
func buildEnv(p Platform) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "GOFLAGS", "CGO_ENABLED", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "GOEXPERIMENT":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "CGO_ENABLED=0", "GOFLAGS=", "GOOS="+p.OS, "GOARCH="+p.Arch)
	switch p.Arch {
	case "amd64":
		env = append(env, "GOAMD64=v1")
	case "arm64":
		env = append(env, "GOARM64=v8.0")
	}
	return env
}

// buildBinary compiles the plugin for p into out.
func buildBinary(ctx context.Context, version string, s Source, p Platform, out string, stderr io.Writer) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags="+ldflags(version, s), "-o", out, mainPackage)
	cmd.Env = buildEnv(p)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %w", p, err)
	}
	return nil
}

// buildArchives builds the binary and the archive for each platform into
// dist and returns the archive paths in platform order.
func buildArchives(ctx context.Context, version string, s Source, platforms []Platform, dist string, stderr io.Writer) ([]string, error) {
	var archives []string
	for _, p := range platforms {
		bin := filepath.Join(dist, p.OS+"_"+p.Arch, p.BinaryName())
		fmt.Fprintf(stderr, "building %s\n", p)
		if err := buildBinary(ctx, version, s, p, bin, stderr); err != nil {
			return nil, err
		}
		name := filepath.Join(dist, p.ArchiveName(version))
		if err := writeArchiveFile(name, p, bin, s); err != nil {
			return nil, err
		}
		archives = append(archives, name)
	}
	return archives, nil
}

func writeArchiveFile(name string, p Platform, bin string, s Source) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return writeArchive(f, p.Format(), archiveEntries(p, bin), s.Date.UTC())
}

// fileSHA256 returns the hex sha256 of a file.
func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeChecksums writes goreleaser-style "SHA256  NAME" lines, sorted by
// name, for the archives to dist/checksums.txt.
func writeChecksums(dist string, archives []string) error {
	var lines []string
	for _, a := range archives {
		sum, err := fileSHA256(a)
		if err != nil {
			return err
		}
		lines = append(lines, sum+"  "+filepath.Base(a))
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	return os.WriteFile(filepath.Join(dist, "checksums.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("build", stderr)
	version := fs.String("version", "", "release tag, e.g. v0.1.0 (required)")
	dist := fs.String("dist", "dist", "output directory")
	plats := fs.String("platforms", "all", "comma-separated os/arch list")
	requireClean := fs.Bool("require-clean", false, "refuse to build uncommitted changes to the source")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkVersionFlag(*version); err != nil {
		return err
	}
	platforms, err := parsePlatforms(*plats)
	if err != nil {
		return err
	}
	s, err := readSource(".")
	if err != nil {
		return err
	}
	if len(s.Dirty) > 0 && *requireClean {
		return fmt.Errorf("uncommitted changes to %s: commit them first", strings.Join(s.Dirty, ", "))
	}
	if len(s.Dirty) > 0 {
		fmt.Fprintf(stderr, "warning: building uncommitted changes (%s); the archives will not match a rebuild of %.12s\n",
			strings.Join(s.Dirty, ", "), s.Commit)
	}
	if err := os.MkdirAll(*dist, 0o755); err != nil {
		return err
	}
	archives, err := buildArchives(ctx, *version, s, platforms, *dist, stderr)
	if err != nil {
		return err
	}
	if err := writeChecksums(*dist, archives); err != nil {
		return err
	}
	for _, a := range archives {
		fmt.Fprintln(stdout, a)
	}
	return nil
}

// checkVersionFlag checks the -version flag every subcommand that builds takes.
func checkVersionFlag(version string) error {
	if !versionPattern.MatchString(version) {
		return fmt.Errorf("-version %q: want a semantic version with a leading v, e.g. v0.1.0", version)
	}
	return nil
}
