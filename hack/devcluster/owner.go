package main

import (
	"fmt"
	"os"
	"strings"
)

// ownerFile names the state dir whose cluster owns the machine-wide names (links, the
// cgroup root, ports). It lives in /run, so a reboot (which stops everything) clears it.
const ownerFile = "/run/mlexp-devcluster.owner"

// owner returns the state dir recorded as owner, or "".
func owner() string {
	data, err := os.ReadFile(ownerFile)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// anyRunning reports whether any component of the cluster in dir runs.
func anyRunning(dir string) bool {
	other := Layout{Dir: dir}
	for _, c := range Components(other) {
		if _, ok := Running(other, c.Name); ok {
			return true
		}
	}
	return false
}

// ownsGlobals reports whether this state dir may touch the machine-wide names: nobody
// else claimed them, or the claimant has nothing running.
func ownsGlobals(l Layout) bool {
	o := owner()
	return o == "" || o == l.Dir || !anyRunning(o)
}

// claimGlobals records this state dir as owner, refusing while another one runs.
func claimGlobals(l Layout) error {
	if !ownsGlobals(l) {
		return fmt.Errorf("another dev cluster (MLEXP_DEV_DIR=%s) runs on this machine and uses the same links, cgroups and ports; stop it first", owner())
	}
	return os.WriteFile(ownerFile, []byte(l.Dir+"\n"), 0o644)
}

// releaseGlobals forgets the claim if it is ours.
func releaseGlobals(l Layout) {
	if owner() == l.Dir {
		_ = os.Remove(ownerFile)
	}
}
