package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// PidRecord is what a pid file holds: enough to prove a pid is still the process we started.
type PidRecord struct {
	Pid     int      `json:"pid"`
	Start   uint64   `json:"start"` // /proc/PID/stat starttime
	Cmdline []string `json:"cmdline"`
	// Stamp is the component's stamp when it was started (see Component.Stamp).
	Stamp string `json:"stamp,omitempty"`
}

// procCmdline reads /proc/PID/cmdline as argv; empty for zombies and kernel threads.
func procCmdline(pid int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimRight(data, "\x00")
	if len(data) == 0 {
		return nil, nil
	}
	return strings.Split(string(data), "\x00"), nil
}

// procStat returns the state letter and starttime of PID from /proc/PID/stat.
func procStat(pid int) (state byte, start uint64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	return parseStat(string(data))
}

// parseStat extracts state and starttime from a /proc/PID/stat line (comm may hold spaces).
func parseStat(s string) (byte, uint64, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return 0, 0, errors.New("bad stat line")
	}
	fields := strings.Fields(s[i+2:])
	// fields[0] is field 3 (state); starttime is field 22.
	if len(fields) < 20 {
		return 0, 0, errors.New("short stat line")
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	return fields[0][0], start, err
}

// Matches reports whether rec still names a live (non-zombie) process with the same start
// time and command line: only then may it be signalled.
func (rec PidRecord) Matches() bool {
	if rec.Pid <= 1 {
		return false
	}
	state, start, err := procStat(rec.Pid)
	if err != nil || state == 'Z' || state == 'X' || start != rec.Start {
		return false
	}
	argv, err := procCmdline(rec.Pid)
	return err == nil && equalStrings(argv, rec.Cmdline)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// readPid reads a pid file; ok is false when there is none or it is unreadable.
func readPid(path string) (PidRecord, bool) {
	var rec PidRecord
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &rec) != nil {
		return rec, false
	}
	return rec, true
}

// Running returns the component's pid record if the component is alive.
func Running(l Layout, name string) (PidRecord, bool) {
	rec, ok := readPid(l.PidFile(name))
	return rec, ok && rec.Matches()
}

// started tracks children of this process so an early exit is noticed while waiting.
var started = map[string]chan error{}

// Start launches a component in its own session with its output in its log file (the
// previous log is kept as logs/prev/NAME.log) and records its pid file with its stamp.
func Start(l Layout, c Component, stamp string) error {
	for _, d := range []string{l.RunDir(), filepath.Join(l.LogDir(), "prev")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	logPath := l.Log(c.Name)
	_ = os.Rename(logPath, filepath.Join(l.LogDir(), "prev", c.Name+".log"))
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "# %s %s\n", time.Now().Format(time.RFC3339), strings.Join(c.Command(), " "))
	cmd := exec.Command(c.Bin, c.Args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Dir = l.Dir
	cmd.Env = childEnv()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", c.Name, err)
	}
	done := make(chan error, 1)
	started[c.Name] = done
	go func() { done <- cmd.Wait() }()
	_, st, err := procStat(cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("start %s: %w", c.Name, err)
	}
	rec := PidRecord{Pid: cmd.Process.Pid, Start: st, Cmdline: c.Command(), Stamp: stamp}
	data, _ := json.Marshal(rec)
	return os.WriteFile(l.PidFile(c.Name), append(data, '\n'), 0o644)
}

// Exited reports whether a component started by this process has exited.
func Exited(name string) (bool, error) {
	ch, ok := started[name]
	if !ok {
		return false, nil
	}
	select {
	case err := <-ch:
		ch <- err
		if err == nil {
			err = errors.New("exited with status 0")
		}
		return true, err
	default:
		return false, nil
	}
}

// Stop stops the component named by its pid file: SIGTERM, wait, then SIGKILL. A pid file
// whose pid is no longer our process is removed without signalling anything.
func Stop(l Layout, name string, timeout time.Duration) (stopped bool, err error) {
	path := l.PidFile(name)
	rec, ok := readPid(path)
	if !ok {
		_ = os.Remove(path)
		return false, nil
	}
	if !rec.Matches() {
		_ = os.Remove(path)
		return false, nil
	}
	if err := killAndWait(rec, timeout); err != nil {
		return false, fmt.Errorf("stop %s (pid %d): %w", name, rec.Pid, err)
	}
	return true, os.Remove(path)
}

// killAndWait sends SIGTERM, waits up to timeout, then SIGKILL and waits again.
func killAndWait(rec PidRecord, timeout time.Duration) error {
	if timeout > 0 {
		_ = syscall.Kill(rec.Pid, syscall.SIGTERM)
		if waitGone(rec, timeout) {
			return nil
		}
	}
	_ = syscall.Kill(rec.Pid, syscall.SIGKILL)
	if waitGone(rec, 10*time.Second) {
		return nil
	}
	return errors.New("still running after SIGKILL")
}

func waitGone(rec PidRecord, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if !rec.Matches() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// recordOf builds a PidRecord for a live pid (used for processes found by scanning /proc).
func recordOf(pid int) (PidRecord, bool) {
	state, st, err := procStat(pid)
	if err != nil || state == 'Z' {
		return PidRecord{}, false
	}
	argv, err := procCmdline(pid)
	if err != nil || len(argv) == 0 {
		return PidRecord{}, false
	}
	return PidRecord{Pid: pid, Start: st, Cmdline: argv}, true
}

// allPids lists every pid in /proc.
func allPids() []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// childEnv is the environment of every component: ours, with the system dirs (runc lives
// in /usr/sbin, the shims in /usr/bin) surely on PATH.
func childEnv() []string {
	env := os.Environ()
	for i, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			env[i] = e + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
			return env
		}
	}
	return append(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
}
