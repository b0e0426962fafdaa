package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// HostPaths are directories outside the state dir that containerd, libcni or the kubelet
// create; down removes those that did not exist before the first up, if empty.
var HostPaths = []string{
	"/run/containerd/s", "/run/containerd", "/var/lib/cni/results", "/var/lib/cni/cache", "/var/lib/cni",
	"/var/log/containers", "/var/log/pods",
}

// recordHostState notes which HostPaths are absent before the first up.
func recordHostState(l Layout) error {
	if _, err := os.Stat(l.HostState()); err == nil {
		return nil
	}
	var absent []string
	for _, p := range HostPaths {
		if _, err := os.Lstat(p); os.IsNotExist(err) {
			absent = append(absent, p)
		}
	}
	return os.WriteFile(l.HostState(), []byte(strings.Join(absent, "\n")+"\n"), 0o644)
}

// removeHostPaths removes the recorded paths that are now empty, deepest first.
func removeHostPaths(l Layout) []string {
	data, err := os.ReadFile(l.HostState())
	if err != nil {
		return nil
	}
	paths := strings.Fields(string(data))
	sort.Slice(paths, func(i, j int) bool { return strings.Count(paths[i], "/") > strings.Count(paths[j], "/") })
	var removed []string
	for _, p := range paths {
		if os.Remove(p) == nil {
			removed = append(removed, p)
		}
	}
	_ = os.Remove(l.HostState())
	return removed
}

// stopPhases groups the named components by StopPhase, highest first (the clients of the
// API server, then the control plane, etcd, containerd), in start order within a phase.
func stopPhases(comps []Component, names []string) [][]Component {
	byPhase := map[int][]Component{}
	var order []int
	for _, c := range comps {
		if !slices.Contains(names, c.Name) {
			continue
		}
		if _, ok := byPhase[c.StopPhase]; !ok {
			order = append(order, c.StopPhase)
		}
		byPhase[c.StopPhase] = append(byPhase[c.StopPhase], c)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(order)))
	out := make([][]Component, 0, len(order))
	for _, phase := range order {
		out = append(out, byPhase[phase])
	}
	return out
}

// stopNames stops the named components by their pid files, phase by phase (stopPhases),
// the members of a phase at once. It returns the names it stopped.
func stopNames(l Layout, names []string) ([]string, error) {
	var stopped []string
	var errs []error
	for _, phase := range stopPhases(Components(l), names) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, c := range phase {
			wg.Add(1)
			go func(c Component) {
				defer wg.Done()
				ok, err := Stop(l, c.Name, c.StopTimeout)
				mu.Lock()
				defer mu.Unlock()
				if ok {
					stopped = append(stopped, c.Name)
				}
				if err != nil {
					errs = append(errs, err)
				}
			}(c)
		}
		wg.Wait()
	}
	return stopped, errors.Join(errs...)
}

// componentHostPaths lists the paths outside the state dir that the components (enabled or
// not) need and down removes.
func componentHostPaths(comps []Component) []string {
	var out []string
	for _, c := range comps {
		out = append(out, c.HostPaths...)
	}
	return out
}

// stopAll stops every component and returns the names stopped.
func stopAll(l Layout) ([]string, error) {
	var names []string
	for _, c := range Components(l) {
		names = append(names, c.Name)
	}
	return stopNames(l, names)
}

// leftovers describes what an earlier run left: processes, mounts, links, cgroups, state.
func leftovers(l Layout) []string {
	var found []string
	for _, c := range Components(l) {
		if _, err := os.Stat(l.PidFile(c.Name)); err == nil {
			found = append(found, "pid files")
			break
		}
	}
	if n := len(ourStrayProcesses(l)); n > 0 {
		found = append(found, fmt.Sprintf("%d processes", n))
	}
	if n := len(MountsUnder(mounts(), l.Dir)); n > 0 {
		found = append(found, fmt.Sprintf("%d mounts", n))
	}
	if _, err := os.Stat(l.SysctlSaved()); err == nil {
		found = append(found, "saved sysctls")
	}
	if !ownsGlobals(l) {
		return found
	}
	if linkExists(CNIBridge) {
		found = append(found, "link "+CNIBridge)
	}
	if n := len(cgroupPids()); n > 0 {
		found = append(found, fmt.Sprintf("%d pod processes", n))
	}
	if n := len(ourCgroupDirs()); n > 0 {
		found = append(found, fmt.Sprintf("%d cgroups", n))
	}
	return found
}

// Teardown stops everything of ours and removes what the processes left: pods' processes,
// stray processes (shims), shim sockets, mounts, CNI links, cgroups, libcni cache; it
// restores the sysctls. It is safe to run when nothing is up, and twice.
func Teardown(l Layout) error {
	var errs []error
	global := ownsGlobals(l)
	if !global {
		progress("another dev cluster (%s) owns the links and cgroups: leaving them alone", owner())
	}
	stopped, err := stopAll(l)
	errs = append(errs, err)
	podProcs := 0
	if global {
		podProcs = killCgroupProcs()
	}
	strays := 0
	for _, rec := range ourStrayProcesses(l) {
		if err := killAndWait(rec, 2*time.Second); err != nil {
			errs = append(errs, fmt.Errorf("pid %d (%s): %w", rec.Pid, rec.Cmdline[0], err))
		}
		strays++
	}
	sockets := removeShimSockets(l)
	unmounted, left := unmountAll(l.Dir)
	if len(left) > 0 {
		errs = append(errs, fmt.Errorf("still mounted: %s", strings.Join(left, " ")))
	}
	cache := removeContainerLogLinks(l)
	if global {
		if err := deleteCNILinks(); err != nil {
			errs = append(errs, err)
		}
		if err := deleteServiceNAT(); err != nil {
			errs = append(errs, err)
		}
		if cg := removeCgroups(); len(cg) > 0 {
			errs = append(errs, fmt.Errorf("cgroups not removed: %s", strings.Join(cg, " ")))
		}
		cache += removeCNICache(l)
	}
	restored, err := restoreSysctls(l, true)
	errs = append(errs, err)
	progress("stopped [%s]; killed %d pod and %d stray processes; removed %d shim sockets, %d mounts, %d CNI cache files and log links; restored sysctls [%s]",
		strings.Join(stopped, " "), podProcs, strays, sockets, unmounted, cache, strings.Join(restored, " "))
	return errors.Join(errs...)
}

// wipe removes the given state paths; it refuses while anything is still mounted below
// the state dir.
func wipe(l Layout, paths []string) error {
	if left := MountsUnder(mounts(), l.Dir); len(left) > 0 {
		return fmt.Errorf("refusing to remove state while mounted: %s", strings.Join(left, " "))
	}
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// Down stops the cluster and leaves the machine as it found it; purge also removes the
// state dir with the binary cache.
func Down(l Layout, purge bool) error {
	if os.Geteuid() != 0 {
		return errors.New("down needs root")
	}
	begin := time.Now()
	if _, err := os.Stat(l.Dir); os.IsNotExist(err) {
		progress("nothing to do: %s does not exist", l.Dir)
		return nil
	}
	unlock, err := lock(l)
	if err != nil {
		return err
	}
	defer unlock()
	errs := []error{Teardown(l)}
	if err := wipe(l, l.RuntimeDirs()); err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, p := range componentHostPaths(Components(l)) {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
		}
	}
	if ownsGlobals(l) {
		errs = append(errs, deleteLink(NodeLink))
		releaseGlobals(l)
	}
	if removed := removeHostPaths(l); len(removed) > 0 {
		progress("removed host dirs created by the cluster: %s", strings.Join(removed, " "))
	}
	if purge {
		if err := os.RemoveAll(l.Dir); err != nil {
			errs = append(errs, err)
		} else {
			progress("purged %s", l.Dir)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	progress("dev cluster is down (%s)", time.Since(begin).Round(100*time.Millisecond))
	return nil
}
