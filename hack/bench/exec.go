package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Run is one child process and what it cost.
type Run struct {
	Args     []string
	Wall     time.Duration
	CPU      time.Duration // user + system
	MaxRSS   int64         // peak resident set, bytes (sampled VmHWM; see hwm.go)
	Requests int           // API requests, from the plugin's own count; -1 if unknown
	Detail   string        // requests by verb and resource
	PeakOpen int           // most requests open at once; -1 if unknown
	Lines    int           // lines of stdout
	Stdout   string        // the first stdoutKeep bytes of stdout
	Stderr   string
	Err      error
}

// stdoutKeep bounds how much of a child's stdout is kept for checks; the
// rest is only counted, so a 1,000,000-line log does not grow the bench.
const stdoutKeep = 4 << 20

// requestsLine is what the plugin prints at exit under MLEXP_COUNT_REQUESTS.
var requestsLine = regexp.MustCompile(`(?m)^requests: (\d+) \((.*)\), at most (\d+) open at once$`)

// Runner starts the plugin and kubectl as child processes.
type Runner struct {
	PluginBin  string // path of kubectl-mlexp
	KubectlBin string // path of kubectl
	Kubeconfig string
	ProfileDir string // where MLEXP_CPUPROFILE/MLEXP_MEMPROFILE go; "" for none
	Log        io.Writer
	profiles   int
}

// Mlexp runs `kubectl-mlexp ARGS -n NS` counting its requests.
func (r *Runner) Mlexp(ctx context.Context, ns string, args ...string) Run {
	env := []string{kube.CountRequestsEnv + "=1"}
	if r.ProfileDir != "" {
		r.profiles++
		base := filepath.Join(r.ProfileDir, fmt.Sprintf("%02d-%s", r.profiles, profileName(args)))
		env = append(env, "MLEXP_CPUPROFILE="+base+".cpu.pprof", "MLEXP_MEMPROFILE="+base+".mem.pprof")
	}
	return r.run(ctx, nil, env, r.PluginBin, append(args, "-n", ns)...)
}

// MlexpTo runs `kubectl-mlexp ARGS -n NS` writing its stdout to path.
func (r *Runner) MlexpTo(ctx context.Context, path, ns string, args ...string) Run {
	f, err := os.Create(path)
	if err != nil {
		return Run{Args: args, Err: err, Requests: -1, PeakOpen: -1}
	}
	defer f.Close()
	cmd := r.command(ctx, []string{kube.CountRequestsEnv + "=1"}, r.PluginBin, append(args, "-n", ns)...)
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = f, &errb
	start := time.Now()
	hwm, err := runWatched(cmd)
	run := finish(cmd, start, err, &lineCounter{}, errb.String(), hwm)
	r.logRun(run)
	return run
}

// Kubectl runs `kubectl ARGS -n NS`.
func (r *Runner) Kubectl(ctx context.Context, ns string, args ...string) Run {
	return r.run(ctx, nil, nil, r.KubectlBin, append(args, "-n", ns)...)
}

// Started is a child process started with Start.
type Started struct {
	Cmd   *exec.Cmd
	out   *lineCounter
	errb  bytes.Buffer
	start time.Time
	r     *Runner
	hwm   *hwmWatch
}

// Start starts `kubectl-mlexp ARGS -n NS`; the caller may signal it (see
// Lines) and must Wait for it.
func (r *Runner) Start(ctx context.Context, ns string, args ...string) (*Started, error) {
	s := &Started{out: &lineCounter{}, r: r}
	s.Cmd = r.command(ctx, []string{kube.CountRequestsEnv + "=1"}, r.PluginBin, append(args, "-n", ns)...)
	s.Cmd.Stdout, s.Cmd.Stderr = s.out, &s.errb
	s.start = time.Now()
	if err := s.Cmd.Start(); err != nil {
		return s, err
	}
	s.hwm = watchHWM(s.Cmd.Process.Pid)
	return s, nil
}

// Lines returns how many lines the child has printed so far.
func (s *Started) Lines() int {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	return s.out.lines
}

// Wait waits for the child and returns what it cost.
func (s *Started) Wait() Run {
	err := s.Cmd.Wait()
	run := finish(s.Cmd, s.start, err, s.out, s.errb.String(), s.hwm.stop())
	s.r.logRun(run)
	return run
}

func (r *Runner) command(ctx context.Context, env []string, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(append(os.Environ(), "KUBECONFIG="+r.Kubeconfig), env...)
	// Interrupt, not kill, when the bench's deadline passes: the plugin
	// then still prints its request counts.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

func (r *Runner) run(ctx context.Context, stdin io.Reader, env []string, bin string, args ...string) Run {
	cmd := r.command(ctx, env, bin, args...)
	out := &lineCounter{}
	var errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, out, &errb
	start := time.Now()
	hwm, err := runWatched(cmd)
	run := finish(cmd, start, err, out, errb.String(), hwm)
	r.logRun(run)
	return run
}

// logRun prints one line about a finished child.
func (r *Runner) logRun(run Run) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, "  %-60s %8s  %6.1f MiB  %s\n", shortArgs(run.Args), round(run.Wall), mib(run.MaxRSS), run.RequestsText())
	}
}

// runWatched runs cmd, sampling its peak resident set (see hwm.go).
func runWatched(cmd *exec.Cmd) (hwm int64, err error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	w := watchHWM(cmd.Process.Pid)
	err = cmd.Wait()
	return w.stop(), err
}

// finish collects a finished child's cost and output; hwm is its sampled
// peak resident set (0 when none was read: wait4's, inflated, is kept).
func finish(cmd *exec.Cmd, start time.Time, err error, out *lineCounter, stderr string, hwm int64) Run {
	run := Run{Args: cmd.Args, Wall: time.Since(start), Err: err, Lines: out.lines, Stdout: out.kept.String(),
		Stderr: stderr, Requests: -1, PeakOpen: -1}
	if out.partial {
		run.Lines++
	}
	if st := cmd.ProcessState; st != nil {
		run.CPU = st.UserTime() + st.SystemTime()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			run.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	if hwm > 0 {
		run.MaxRSS = hwm
	}
	if err != nil {
		run.Err = fmt.Errorf("%s: %w\n%s", shortArgs(cmd.Args), err, tail(stderr, 2000))
	}
	run.parseRequests()
	return run
}

// parseRequests reads the plugin's request counts from its stderr.
func (r *Run) parseRequests() {
	m := requestsLine.FindAllStringSubmatch(r.Stderr, -1)
	if len(m) == 0 {
		return
	}
	last := m[len(m)-1]
	r.Requests, _ = strconv.Atoi(last[1])
	r.Detail = last[2]
	r.PeakOpen, _ = strconv.Atoi(last[3])
}

// RequestsText renders the request count, "-" when unknown.
func (r *Run) RequestsText() string {
	if r.Requests < 0 {
		return "-"
	}
	return fmt.Sprintf("%d (%s), %d open at most", r.Requests, r.Detail, r.PeakOpen)
}

// lineCounter counts lines written to it and keeps the first stdoutKeep bytes.
type lineCounter struct {
	mu      sync.Mutex
	kept    bytes.Buffer
	lines   int
	partial bool
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines += bytes.Count(p, []byte{'\n'})
	l.partial = len(p) > 0 && p[len(p)-1] != '\n'
	if room := stdoutKeep - l.kept.Len(); room > 0 {
		l.kept.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// countLines counts the lines of s ending with suffix.
func countLines(s, suffix string) int {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if strings.HasSuffix(sc.Text(), suffix) {
			n++
		}
	}
	return n
}

// shortArgs renders a command line without its binary's directory, the
// namespace flag and long lists of repeated flags.
func shortArgs(args []string) string {
	if len(args) == 0 {
		return ""
	}
	out := []string{filepath.Base(args[0])}
	for i := 1; i < len(args); i++ {
		if args[i] == "-n" && i+1 < len(args) {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return strings.Join(out, " ")
}

// profileName turns a command line into a file name part.
func profileName(args []string) string {
	var parts []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") || strings.Contains(a, "/") {
			continue
		}
		parts = append(parts, a)
		if len(parts) == 2 {
			break
		}
	}
	return strings.Join(parts, "-")
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func mib(b int64) float64 { return float64(b) / (1 << 20) }
