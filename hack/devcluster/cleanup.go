package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Mount is one line of /proc/self/mountinfo that matters here.
type Mount struct {
	Point  string
	FSType string
}

// unescapeMount undoes mountinfo's octal escapes (\040 for space, ...).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ParseMountinfo parses /proc/self/mountinfo content, in its order (parents first).
func ParseMountinfo(data string) []Mount {
	var out []Mount
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 7 {
			continue
		}
		sep := 6
		for sep < len(f) && f[sep] != "-" {
			sep++
		}
		m := Mount{Point: unescapeMount(f[4])}
		if sep+1 < len(f) {
			m.FSType = f[sep+1]
		}
		out = append(out, m)
	}
	return out
}

func mounts() []Mount {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	return ParseMountinfo(string(data))
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// MountsUnder lists mount points at or under dir, deepest (and latest) first.
func MountsUnder(all []Mount, dir string) []string {
	var out []string
	for i := len(all) - 1; i >= 0; i-- {
		if under(all[i].Point, dir) {
			out = append(out, all[i].Point)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.Count(out[i], "/") > strings.Count(out[j], "/") })
	return out
}

// unmountAll unmounts everything under dir, deepest first, lazily if busy; it repeats while
// mounts remain (propagation can reveal more) and returns what could not be unmounted.
func unmountAll(dir string) (int, []string) {
	n := 0
	for round := 0; round < 5; round++ {
		left := MountsUnder(mounts(), dir)
		if len(left) == 0 {
			return n, nil
		}
		for _, p := range left {
			if err := syscall.Unmount(p, 0); err == nil {
				n++
			} else if err := syscall.Unmount(p, syscall.MNT_DETACH); err == nil {
				n++
			}
		}
	}
	return n, MountsUnder(mounts(), dir)
}

// cgroupMounts lists cgroup v1 and v2 mount points.
func cgroupMounts() (v1, all []string) {
	for _, m := range mounts() {
		switch m.FSType {
		case "cgroup":
			v1 = append(v1, m.Point)
			all = append(all, m.Point)
		case "cgroup2":
			all = append(all, m.Point)
		}
	}
	return v1, all
}

// ensureCgroupRoot creates CgroupRoot in every v1 hierarchy (the kubelet wants it to exist);
// a new cpuset cgroup needs cpus and mems copied from its parent.
func ensureCgroupRoot() error {
	v1, _ := cgroupMounts()
	for _, m := range v1 {
		dir := filepath.Join(m, CgroupRoot)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cgroup %s: %w", dir, err)
		}
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			cur, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil || strings.TrimSpace(string(cur)) != "" {
				continue
			}
			parent, err := os.ReadFile(filepath.Join(m, f))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, f), parent, 0o644); err != nil {
				return fmt.Errorf("cgroup %s/%s: %w", dir, f, err)
			}
		}
	}
	return nil
}

// ourCgroupDirs lists CgroupRoot and every cgroup below it in every hierarchy, deepest first.
func ourCgroupDirs() []string {
	_, all := cgroupMounts()
	var dirs []string
	for _, m := range all {
		root := filepath.Join(m, CgroupRoot)
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
	}
	sort.SliceStable(dirs, func(i, j int) bool { return strings.Count(dirs[i], "/") > strings.Count(dirs[j], "/") })
	return dirs
}

// cgroupPids lists the pids in our cgroups (pods' processes).
func cgroupPids() []int {
	seen := map[int]bool{}
	var pids []int
	for _, d := range ourCgroupDirs() {
		data, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil && !seen[pid] {
				seen[pid] = true
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// killCgroupProcs SIGKILLs every process in our cgroups until none is left.
func killCgroupProcs() int {
	killed := 0
	for i := 0; i < 50; i++ {
		pids := cgroupPids()
		if len(pids) == 0 {
			return killed
		}
		for _, pid := range pids {
			if syscall.Kill(pid, syscall.SIGKILL) == nil && i == 0 {
				killed++
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return killed
}

// removeCgroups removes our (empty) cgroups deepest first and returns those left.
func removeCgroups() []string {
	var left []string
	for _, d := range ourCgroupDirs() {
		if err := syscall.Rmdir(d); err != nil && !errors.Is(err, syscall.ENOENT) {
			left = append(left, d)
		}
	}
	return left
}

// IsOurProcess decides from its executable and argv whether a process is one the dev
// cluster started: one of our cached binaries (any version, but the user's kubectl), the
// packaged binary of a component run with one of its own arguments that names the state
// dir (containerd with our config), or a shim of our containerd.
func IsOurProcess(l Layout, comps []Component, exe string, argv []string) bool {
	exe = strings.TrimSuffix(exe, " (deleted)")
	if len(argv) == 0 {
		return false
	}
	if under(exe, l.BinDir()) && filepath.Base(exe) != "kubectl" {
		return true
	}
	base := filepath.Base(exe)
	for _, c := range comps {
		if c.Build == nil && base == filepath.Base(c.Bin) && sharesStateArg(l, c.Args, argv) {
			return true
		}
	}
	if !strings.HasPrefix(base, "containerd-shim") {
		return false
	}
	for i, a := range argv {
		if a == "-address" && i+1 < len(argv) && argv[i+1] == l.ContainerdSock() {
			return true
		}
	}
	return false
}

// sharesStateArg reports whether argv holds one of args that names a path in the state dir.
func sharesStateArg(l Layout, args, argv []string) bool {
	for _, a := range argv {
		if strings.Contains(a, l.Dir+"/") && slices.Contains(args, a) {
			return true
		}
	}
	return false
}

// ourStrayProcesses finds live processes of ours by scanning /proc (never this process).
func ourStrayProcesses(l Layout) []PidRecord {
	var out []PidRecord
	comps := Components(l)
	for _, pid := range allPids() {
		if pid == os.Getpid() {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil {
			continue
		}
		rec, ok := recordOf(pid)
		if ok && IsOurProcess(l, comps, exe, rec.Cmdline) {
			out = append(out, rec)
		}
	}
	return out
}

// shimSocket is where containerd 1.6 puts the shim socket of a container: a hash of our
// containerd address, the namespace and the id, under /run/containerd/s.
func shimSocket(containerdSock, ns, id string) string {
	sum := sha256.Sum256([]byte(filepath.Join(containerdSock, ns, id)))
	return filepath.Join("/run/containerd/s", hex.EncodeToString(sum[:]))
}

// removeShimSockets removes the shim sockets of every task our containerd knew (a shim
// killed by a signal leaves its socket behind): the task's address file names it.
func removeShimSockets(l Layout) int {
	n := 0
	tasks := filepath.Join(l.ContainerdState(), "io.containerd.runtime.v2.task")
	nss, _ := os.ReadDir(tasks)
	for _, ns := range nss {
		ids, _ := os.ReadDir(filepath.Join(tasks, ns.Name()))
		for _, id := range ids {
			sock := shimSocket(l.ContainerdSock(), ns.Name(), id.Name())
			if addr, err := os.ReadFile(filepath.Join(tasks, ns.Name(), id.Name(), "address")); err == nil {
				sock = strings.TrimPrefix(strings.TrimSpace(string(addr)), "unix://")
			}
			if under(sock, "/run/containerd/s") && os.Remove(sock) == nil {
				n++
			}
		}
	}
	return n
}

// containerIDs lists the ids of sandboxes and containers our containerd knows from its
// state dir (CRI sandboxes and runtime v2 tasks).
func containerIDs(l Layout) map[string]bool {
	ids := map[string]bool{}
	dirs := []string{filepath.Join(l.ContainerdState(), "io.containerd.grpc.v1.cri", "sandboxes")}
	nss, _ := os.ReadDir(filepath.Join(l.ContainerdState(), "io.containerd.runtime.v2.task"))
	for _, ns := range nss {
		dirs = append(dirs, filepath.Join(l.ContainerdState(), "io.containerd.runtime.v2.task", ns.Name()))
	}
	for _, d := range dirs {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			ids[e.Name()] = true
		}
	}
	return ids
}

// IsOurCNICacheFile decides whether a libcni cached result (NETWORK-CONTAINERID-IFNAME) is
// ours: our network, or containerd's loopback network for one of our sandboxes.
func IsOurCNICacheFile(name string, ids map[string]bool) bool {
	if strings.HasPrefix(name, CNINetwork+"-") {
		return true
	}
	rest, ok := strings.CutPrefix(name, "cni-loopback-")
	if !ok {
		return false
	}
	id, _, _ := strings.Cut(rest, "-")
	return ids[id]
}

// removeCNICache removes libcni's cached results for our pods (libcni keeps them under
// /var/lib/cni whatever the runtime's own state dir).
func removeCNICache(l Layout) int {
	n := 0
	ids := containerIDs(l)
	for _, dir := range []string{"/var/lib/cni/results", "/var/lib/cni/cache/results"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if IsOurCNICacheFile(e.Name(), ids) && os.Remove(filepath.Join(dir, e.Name())) == nil {
				n++
			}
		}
	}
	return n
}

// deleteCNILinks deletes veths still attached to the CNI bridge, then the bridge.
func deleteCNILinks() error {
	ports, _ := os.ReadDir(filepath.Join("/sys/class/net", CNIBridge, "brif"))
	for _, p := range ports {
		_ = deleteLink(p.Name())
	}
	return deleteLink(CNIBridge)
}

// containerLogLinks is where the kubelet (whatever its podLogsDir) links container logs.
const containerLogLinks = "/var/log/containers"

// removeContainerLogLinks removes the kubelet's links to our pod logs.
func removeContainerLogLinks(l Layout) int {
	n := 0
	ents, _ := os.ReadDir(containerLogLinks)
	for _, e := range ents {
		p := filepath.Join(containerLogLinks, e.Name())
		if target, err := os.Readlink(p); err == nil && under(target, l.Dir) && os.Remove(p) == nil {
			n++
		}
	}
	return n
}
