package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// The fault hooks: stop, start and restart one component of a running cluster, for tests
// that need a component gone for a while (the API server, the kubelet, containerd, ...).

// parseLifecycleArgs reads `NAME [--kill]` and finds the component.
func parseLifecycleArgs(l Layout, cmd string, args []string) (Component, bool, error) {
	var name string
	kill := false
	for _, a := range args {
		switch {
		case a == "--kill" && cmd == "stop":
			kill = true
		case strings.HasPrefix(a, "-"):
			return Component{}, false, fmt.Errorf("%s: unknown flag %s", cmd, a)
		case name != "":
			return Component{}, false, fmt.Errorf("%s takes one component name", cmd)
		default:
			name = a
		}
	}
	if name == "" {
		return Component{}, false, fmt.Errorf("%s: name a component: %s", cmd, componentNames(l))
	}
	c, ok := component(l, name)
	if !ok {
		return Component{}, false, fmt.Errorf("%s: unknown component %q (one of %s)", cmd, name, componentNames(l))
	}
	if !c.Enabled {
		return Component{}, false, fmt.Errorf("%s: component %s is not enabled in this cluster", cmd, name)
	}
	return c, kill, nil
}

// withComponent reads `NAME [--kill]` for cmd, checks for root when asked, and runs fn on
// the component with the state dir locked.
func withComponent(l Layout, cmd string, args []string, needRoot bool, fn func(c Component, kill bool) error) error {
	c, kill, err := parseLifecycleArgs(l, cmd, args)
	if err != nil {
		return err
	}
	if needRoot && os.Geteuid() != 0 {
		return fmt.Errorf("%s needs root", cmd)
	}
	unlock, err := lock(l)
	if err != nil {
		return err
	}
	defer unlock()
	return fn(c, kill)
}

// StopComponent stops one component: SIGTERM and a wait (or SIGKILL at once with kill, as a
// crash would); the rest of the cluster keeps running.
func StopComponent(l Layout, args []string) error {
	return withComponent(l, "stop", args, false, func(c Component, kill bool) error {
		begin := time.Now()
		timeout := c.StopTimeout
		if kill {
			timeout = 0
		}
		stopped, err := Stop(l, c.Name, timeout)
		if err != nil {
			return err
		}
		if !stopped {
			progress("%s was not running", c.Name)
			return nil
		}
		how := "stopped"
		if kill {
			how = "killed"
		}
		progress("%s %s in %s; `devcluster start %s` (or `make dev-cluster`) starts it again", how, c.Name, time.Since(begin).Round(10*time.Millisecond), c.Name)
		return nil
	})
}

// StartComponent starts one component that is not running, while the rest runs, and waits
// for its health check. The cluster must have been brought up before (its PKI and configs exist).
func StartComponent(l Layout, args []string) error {
	return withComponent(l, "start", args, true, func(c Component, _ bool) error { return startOne(l, c) })
}

// RestartComponent stops one component (SIGTERM) and starts it again.
func RestartComponent(l Layout, args []string) error {
	return withComponent(l, "restart", args, true, func(c Component, _ bool) error {
		if _, err := Stop(l, c.Name, c.StopTimeout); err != nil {
			return err
		}
		return startOne(l, c)
	})
}

// startOne starts c unless it runs, with the lock held.
func startOne(l Layout, c Component) error {
	if _, err := os.Stat(l.pkiFile("ca.crt")); err != nil {
		return errors.New("the dev cluster was never brought up here (no PKI): run `make dev-cluster` first")
	}
	if _, ok := Running(l, c.Name); ok {
		progress("%s is already running", c.Name)
		return nil
	}
	e, err := newEnv(l)
	if err != nil {
		return err
	}
	begin := time.Now()
	if err := startComponent(e, c, stamps(l, []Component{c})[c.Name]); err != nil {
		return err
	}
	progress("%s started and healthy in %s", c.Name, time.Since(begin).Round(10*time.Millisecond))
	return nil
}
