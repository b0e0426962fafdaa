package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this binary as the plugin: with MLEXP_RUN_MAIN
// set it is kubectl-mlexp, so signals and exit codes are the real ones.
func TestMain(m *testing.M) {
	if os.Getenv("MLEXP_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type process struct {
	stdout, stderr bytes.Buffer
	cmd            *exec.Cmd
	took           time.Duration
	code           int
}

// start runs the plugin with args; stdin, when not nil, is its stdin.
func start(t *testing.T, stdin *os.File, args ...string) *process {
	t.Helper()
	r := &process{cmd: exec.Command(os.Args[0], args...)}
	r.cmd.Env = append(os.Environ(), "MLEXP_RUN_MAIN=1", "KUBECONFIG="+filepath.Join(t.TempDir(), "none"))
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if stdin != nil {
		r.cmd.Stdin = stdin
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return r
}

// wait waits for the plugin to exit, at most limit.
func (r *process) wait(t *testing.T, limit time.Duration) {
	t.Helper()
	begin := time.Now()
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		r.took = time.Since(begin)
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		}
	case <-time.After(limit):
		_ = r.cmd.Process.Kill()
		<-done
		t.Fatalf("%v did not end within %v; stderr:\n%s", r.cmd.Args[1:], limit, r.stderr.String())
	}
}

// TestBadFilesFailFast: a named pipe, a directory and a 50 MB file given
// to -f each get one clear line and exit 1 at once, without reading them.
func TestBadFilesFailFast(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "exp.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	f.Close()
	cases := map[string]struct{ file, want string }{
		"named pipe": {fifo, "error: " + fifo + ": is a named pipe, not a regular file: to read a pipe, give -f - and redirect it to stdin\n"},
		"directory":  {dir, "error: " + dir + ": is a directory, not an experiment file\n"},
		"50 MB":      {big, "error: " + big + ": file is 50 MiB: an experiment file is at most 2 MiB\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := start(t, nil, "submit", "-f", tc.file)
			r.wait(t, 20*time.Second)
			if r.code != 1 || r.stderr.String() != tc.want {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr.String(), tc.want)
			}
		})
	}
}

// TestSignalEndsStdinRead: `submit -f -` whose stdin never comes ends on
// SIGTERM and on Ctrl-C (it used to block in the read until SIGKILL).
func TestSignalEndsStdinRead(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pw.Close() // a writer that never writes
			r := start(t, pr, "submit", "-f", "-")
			pr.Close()
			time.Sleep(1500 * time.Millisecond) // let it reach the read
			if err := r.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			r.wait(t, 5*time.Second)
			if r.code != 1 || !strings.Contains(r.stderr.String(), "<stdin>: interrupted while waiting for the experiment file") {
				t.Errorf("exit %d, stderr %q", r.code, r.stderr.String())
			}
		})
	}
}
