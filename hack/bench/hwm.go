package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Why not wait4's ru_maxrss: Linux keeps the largest resident set of the
// memory a process replaced at execve, and os/exec starts a child on the
// parent's memory (vfork), so every child's ru_maxrss is at least the
// bench's own peak (~130 MiB once it has rendered 10,000 Jobs). VmHWM in
// /proc/PID/status belongs to the child's own memory, so the bench samples
// it while the child runs.

// hwmInterval is how often a running child's VmHWM is read.
const hwmInterval = 5 * time.Millisecond

// hwmWatch samples one child's VmHWM until stopped.
type hwmWatch struct {
	mu   sync.Mutex
	peak int64
	done chan struct{}
	wg   sync.WaitGroup
}

// watchHWM starts sampling process pid's peak resident set.
func watchHWM(pid int) *hwmWatch {
	w := &hwmWatch{done: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		path := fmt.Sprintf("/proc/%d/status", pid)
		t := time.NewTicker(hwmInterval)
		defer t.Stop()
		for {
			if v, ok := readHWM(path); ok {
				w.mu.Lock()
				w.peak = max(w.peak, v)
				w.mu.Unlock()
			}
			select {
			case <-w.done:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the largest VmHWM seen, in bytes; 0
// when none was read.
func (w *hwmWatch) stop() int64 {
	if w == nil {
		return 0
	}
	close(w.done)
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

// readHWM reads the VmHWM line of a /proc/PID/status file.
func readHWM(path string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := parseHWM(sc.Text()); ok {
			return v, true
		}
	}
	return 0, false
}

// parseHWM parses a "VmHWM:    1234 kB" line into bytes.
func parseHWM(line string) (int64, bool) {
	rest, ok := strings.CutPrefix(line, "VmHWM:")
	if !ok {
		return 0, false
	}
	f := strings.Fields(rest)
	if len(f) != 2 || f[1] != "kB" {
		return 0, false
	}
	kb, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, false
	}
	return kb * 1024, true
}
