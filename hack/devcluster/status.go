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
	fmt.Fprintf(w, "dev cluster state dir: %s (Kubernetes %s, etcd %s, metrics-server %s, kwok %s, kueue %s)\n",
		l.Dir, l.KubeVersion, EtcdVersion, MetricsServerVersion, KwokVersion, KueueVersion)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPONENT\tPID\tSTATE\tRSS\tLOG")
	all := true
	var total int64
	comps := Components(l)
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
	if !linkExists(NodeLink) {
		fmt.Fprintf(w, "node address: link %s missing\n", NodeLink)
		all = false
	}
	cl, err := newClient(l, "admin")
	if err == nil {
		err = cl.ok(apiURL("/readyz"))
	}
	if err != nil {
		fmt.Fprintf(w, "api server: not answering (%v)\n", err)
		return false
	}
	n, err := cl.node(NodeName)
	switch {
	case err != nil:
		fmt.Fprintf(w, "node %s: %v\n", NodeName, err)
		all = false
	case n.Ready:
		fmt.Fprintf(w, "node %s: Ready, address %s, allocatable cpu %s memory %s, kubelet %s\n", NodeName, n.Address, n.CPU, n.Memory, n.Version)
	default:
		fmt.Fprintf(w, "node %s: NotReady (%s)\n", NodeName, n.Reason)
		all = false
	}
	if err := cl.nodeMetrics(); err != nil {
		fmt.Fprintf(w, "metrics.k8s.io: not serving (%v)\n", err)
		all = false
	} else {
		fmt.Fprintln(w, "metrics.k8s.io: serving")
	}
	if l.Kwok {
		ready, total, err := cl.readyNodes(KwokNodeLabel)
		switch {
		case err != nil:
			fmt.Fprintf(w, "fake nodes: %v\n", err)
			all = false
		default:
			fmt.Fprintf(w, "fake nodes (%s): %d of %d Ready, KWOK_NODES=%d\n", KwokNodeLabel, ready, total, l.KwokNodes)
			if ready < l.KwokNodes {
				all = false
			}
		}
	}
	fmt.Fprintf(w, "kubeconfig: %s\nkubectl: %s\n", l.Kubeconfig(), l.Kubectl())
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
