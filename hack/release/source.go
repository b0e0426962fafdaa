package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// sourceInputs are the paths whose history decides a release's source commit:
// everything compiled into the binary or copied into the archives. The
// builder (hack/release) is left out so that work on its commands does not
// restamp the binary; a change to how it lays out archives shows up as a
// sha256 mismatch in `check`, fixed by `make krew-manifest`.
var sourceInputs = []string{
	"go.mod", "go.sum", "cmd", "pkg", "internal",
	"LICENSE", "README.md", "kubectl_complete-mlexp",
}

// Source is what a release build is stamped with. Commit is the last commit
// that changed a source input, not HEAD, so that committing the generated
// manifest (or docs) does not change the archives the manifest describes.
type Source struct {
	// Commit is the full hash of the last commit that touched a source input.
	Commit string
	// Date is that commit's committer date; it is the build date and every
	// archive entry's mtime.
	Date time.Time
	// Dirty lists source inputs changed in the work tree since Commit.
	Dirty []string
	// GoVersion is the toolchain that builds the binaries ("go1.26.8").
	GoVersion string
}

// DateString is Date as RFC 3339 in UTC, the form used in ldflags and mtimes.
func (s Source) DateString() string { return s.Date.UTC().Format(time.RFC3339) }

// readSource finds the source commit of the repository in dir. The
// environment variables MLEXP_SOURCE_COMMIT and MLEXP_SOURCE_DATE override
// git, for building from a tree without history.
func readSource(dir string) (Source, error) {
	var s Source
	gov, err := output(dir, "go", "env", "GOVERSION")
	if err != nil {
		return s, err
	}
	s.GoVersion = gov
	if c, d := os.Getenv("MLEXP_SOURCE_COMMIT"), os.Getenv("MLEXP_SOURCE_DATE"); c != "" || d != "" {
		if c == "" || d == "" {
			return s, fmt.Errorf("set both MLEXP_SOURCE_COMMIT and MLEXP_SOURCE_DATE, or neither")
		}
		t, err := time.Parse(time.RFC3339, d)
		if err != nil {
			return s, fmt.Errorf("MLEXP_SOURCE_DATE: %w", err)
		}
		s.Commit, s.Date = c, t.UTC()
		return s, nil
	}
	args := append([]string{"log", "-1", "--format=%H %ct", "--"}, sourceInputs...)
	line, err := output(dir, "git", args...)
	if err != nil {
		return s, fmt.Errorf("finding the source commit (set MLEXP_SOURCE_COMMIT and MLEXP_SOURCE_DATE to build without git): %w", err)
	}
	hash, secs, ok := strings.Cut(line, " ")
	if !ok || len(hash) != 40 {
		return s, fmt.Errorf("git log printed %q, want a commit hash and a time", line)
	}
	unix, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return s, fmt.Errorf("git log commit time %q: %w", secs, err)
	}
	s.Commit, s.Date = hash, time.Unix(unix, 0).UTC()
	args = append([]string{"status", "--porcelain", "--untracked-files=all", "--"}, sourceInputs...)
	status, err := rawOutput(dir, "git", args...)
	if err != nil {
		return s, err
	}
	for _, l := range strings.Split(status, "\n") {
		// Porcelain lines are "XY PATH"; keep PATH.
		if len(l) > 3 {
			s.Dirty = append(s.Dirty, l[3:])
		}
	}
	return s, nil
}

// output runs a command in dir and returns its trimmed standard output.
func output(dir, name string, args ...string) (string, error) {
	out, err := rawOutput(dir, name, args...)
	return strings.TrimSpace(out), err
}

// rawOutput runs a command in dir and returns its standard output as is.
func rawOutput(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

func runSource(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("source", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := readSource(".")
	if err != nil {
		return err
	}
	// goreleaser's mod_timestamp wants Unix seconds, the rest RFC 3339.
	fmt.Fprintf(stdout, "MLEXP_SOURCE_COMMIT=%s\nMLEXP_SOURCE_DATE=%s\nMLEXP_SOURCE_EPOCH=%d\n",
		s.Commit, s.DateString(), s.Date.Unix())
	if len(s.Dirty) > 0 {
		fmt.Fprintf(stderr, "warning: the work tree differs from %.12s in: %s\n", s.Commit, strings.Join(s.Dirty, ", "))
	}
	return nil
}
