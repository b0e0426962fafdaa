package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// statusPoll is how often `status --wait` asks again.
const statusPoll = 2 * time.Second

// WaitStatus is Status asked again until everything is up or wait has
// passed (a restarted component's dependents, such as the node lifecycle
// controller or the aggregated metrics API, take a few seconds to catch
// up); it prints the last status only.
func WaitStatus(l Layout, w io.Writer, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for {
		var b bytes.Buffer
		ok := Status(l, &b)
		if ok || !time.Now().Before(deadline) {
			_, _ = w.Write(b.Bytes())
			return ok
		}
		time.Sleep(statusPoll)
	}
}

// Status prints what runs and the node's state; it returns false unless everything is up.
func Status(l Layout, w io.Writer) bool {
	comps := Components(l)
	fmt.Fprintf(w, "dev cluster state dir: %s (%s)\n", l.Dir, versions(l, comps))
	all := processTable(l, comps, w)
	if !linkExists(NodeLink) {
		fmt.Fprintf(w, "node address: link %s missing\n", NodeLink)
		all = false
	}
	e, err := newEnv(l)
	if err == nil {
		err = e.Admin.ok(apiURL("/readyz"))
	}
	if err != nil {
		fmt.Fprintf(w, "api server: not answering (%v)\n", err)
		return false
	}
	if !componentChecks(e, comps, w) {
		all = false
	}
	fmt.Fprintf(w, "kubeconfig: %s\nkubectl: %s\n", l.Kubeconfig(), l.Kubectl())
	return all
}

// processTable prints one row per component (pid, state, RSS, log) and the total RSS; it
// returns false unless every enabled component runs.
func processTable(l Layout, comps []Component, w io.Writer) bool {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPONENT\tPID\tSTATE\tRSS\tLOG")
	all := true
	var total int64
	want := stamps(l, comps)
	for _, c := range comps {
		pid, state, rss := "-", "stopped", "-"
		if rec, ok := readPid(l.PidFile(c.Name)); ok {
			pid = fmt.Sprint(rec.Pid)
			state = "dead (stale pid file)"
			if rec.Matches() {
				state = "running"
				if c.Enabled && rec.Stamp != want[c.Name] {
					state = "running (configuration changed: up restarts it)"
				}
				kb := rssKB(rec.Pid)
				total += kb
				rss = fmt.Sprintf("%dMi", kb/1024)
			}
		}
		switch {
		case !c.Enabled && state == "stopped":
			state = "disabled"
		case !c.Enabled:
			state += " (disabled: up stops it)"
		case !strings.HasPrefix(state, "running"):
			all = false
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, pid, state, rss, l.Log(c.Name))
	}
	fmt.Fprintf(tw, "total\t\t\t%dMi\t\n", total/1024)
	tw.Flush()
	return all
}

// componentChecks prints the status line of every enabled component that checks what it
// serves; it returns false unless all of them are well.
func componentChecks(e *Env, comps []Component, w io.Writer) bool {
	all := true
	for _, c := range comps {
		if !c.Enabled || c.Status == nil {
			continue
		}
		line, ok := c.Status(e)
		fmt.Fprintln(w, line)
		all = all && ok
	}
	return all
}

// PrintEnv prints the shell exports for the dev cluster.
func PrintEnv(l Layout, w io.Writer) {
	fmt.Fprintf(w, "export KUBECONFIG=%s\nexport PATH=%s:$PATH\nexport MLEXP_DEV_DIR=%s\n", l.Kubeconfig(), l.BinDir(), l.Dir)
}

// rssKB is the resident set size of a process in KiB (0 if unknown).
func rssKB(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
