package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Packages are the Debian packages up installs when missing.
var Packages = []string{"containerd", "runc", "containernetworking-plugins", "busybox-static", "iproute2", "iptables"}

// missingPackages lists the packages dpkg does not report as installed.
func missingPackages(pkgs []string) []string {
	var miss []string
	for _, p := range pkgs {
		out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", p).Output()
		if err != nil || !strings.Contains(string(out), "install ok installed") {
			miss = append(miss, p)
		}
	}
	return miss
}

// ensurePackages runs apt-get update once and installs whatever is missing.
func ensurePackages(l Layout) error {
	miss := missingPackages(Packages)
	if len(miss) == 0 {
		return nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("missing packages %v and no apt-get: install them by hand", miss)
	}
	progress("installing %s (apt-get; log %s)", strings.Join(miss, " "), l.Log("apt"))
	logf, err := os.OpenFile(l.Log("apt"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	for _, args := range [][]string{
		{"update"},
		append([]string{"install", "-y", "--no-install-recommends"}, miss...),
	} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Run(); err != nil {
			tailLog(l.Log("apt"), 20)
			return fmt.Errorf("apt-get %s: %w", args[0], err)
		}
	}
	return nil
}

// run runs a command and returns its combined output in the error.
func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func linkExists(name string) bool {
	_, err := os.Stat("/sys/class/net/" + name)
	return err == nil
}

// ensureNodeLink makes the port-less bridge that holds the node address (this kernel has
// no dummy links); traffic to it never leaves the machine.
func ensureNodeLink() error {
	if !linkExists(NodeLink) {
		if err := run("ip", "link", "add", NodeLink, "type", "bridge"); err != nil {
			return err
		}
	}
	if err := run("ip", "addr", "replace", NodeIP+"/32", "dev", NodeLink); err != nil {
		return err
	}
	return run("ip", "link", "set", NodeLink, "up")
}

// deleteLink removes a link if it exists.
func deleteLink(name string) error {
	if !linkExists(name) {
		return nil
	}
	return run("ip", "link", "del", name)
}

// KubeletSysctls are the host sysctls the kubelet rewrites at start.
var KubeletSysctls = []string{
	"vm.overcommit_memory", "vm.panic_on_oom", "kernel.panic", "kernel.panic_on_oops",
	"kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes",
}

func sysctlPath(key string) string {
	return filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
}

// saveSysctls records the host values once; an existing record (from a run that was killed
// before it could restore) is kept, since the live values may already be the kubelet's.
func saveSysctls(l Layout) error {
	if _, err := os.Stat(l.SysctlSaved()); err == nil {
		return nil
	}
	var b strings.Builder
	for _, k := range KubeletSysctls {
		v, err := os.ReadFile(sysctlPath(k))
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s=%s\n", k, strings.TrimSpace(string(v)))
	}
	return os.WriteFile(l.SysctlSaved(), []byte(b.String()), 0o644)
}

// parseSysctls reads key=value lines.
func parseSysctls(data string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && strings.TrimSpace(k) != "" {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// restoreSysctls writes the saved values back; it returns the keys it changed. With
// forget, the record is removed (down); otherwise kept for the next restore.
func restoreSysctls(l Layout, forget bool) ([]string, error) {
	data, err := os.ReadFile(l.SysctlSaved())
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var changed []string
	saved := parseSysctls(string(data))
	keys := make([]string, 0, len(saved))
	for k := range saved {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cur, err := os.ReadFile(sysctlPath(k))
		if err != nil || strings.TrimSpace(string(cur)) == saved[k] {
			continue
		}
		if err := os.WriteFile(sysctlPath(k), []byte(saved[k]), 0o644); err != nil {
			return changed, fmt.Errorf("restore %s: %w", k, err)
		}
		changed = append(changed, k+"="+saved[k])
	}
	if forget {
		return changed, os.Remove(l.SysctlSaved())
	}
	return changed, nil
}
