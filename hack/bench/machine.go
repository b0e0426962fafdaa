package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// MachineState describes the machine at this moment: cores, load average,
// available memory and how many compiler and linker processes are running
// (the other engineers' builds), since every number depends on them.
func MachineState() string {
	load := "?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			load = strings.Join(f[:3], " ")
		}
	}
	avail := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemAvailable:" {
				avail = f[1] + " kB"
				var kb int64
				if _, err := fmt.Sscan(f[1], &kb); err == nil {
					avail = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	return fmt.Sprintf("%d cores, load average %s, %s memory available, %d compile/link processes running",
		runtime.NumCPU(), load, avail, countProcesses("compile", "link", "cgo", "vet"))
}

// countProcesses counts the processes whose command name is one of names.
func countProcesses(names ...string) int {
	dirs, _ := filepath.Glob("/proc/[0-9]*/comm")
	n := 0
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		comm := strings.TrimSpace(string(b))
		for _, name := range names {
			if comm == name {
				n++
			}
		}
	}
	return n
}
