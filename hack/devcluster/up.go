package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"
)

// lock takes an exclusive lock on the state dir so two ups (or an up and a down) never race.
func lock(l Layout) (func(), error) {
	if err := os.MkdirAll(l.Dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(l.join("lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		progress("waiting for another devcluster run on %s", l.Dir)
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
	}
	return func() { f.Close() }, nil
}

// Env is what health checks and setup steps use: the layout and TLS clients of the PKI.
type Env struct {
	L     Layout
	Admin *client
	Etcd  *client
}

// newEnv builds the clients; the PKI must exist.
func newEnv(l Layout) (*Env, error) {
	admin, err := newClient(l, adminCertName)
	if err != nil {
		return nil, err
	}
	etcd, err := newClient(l, etcdClientName)
	if err != nil {
		return nil, err
	}
	return &Env{L: l, Admin: admin, Etcd: etcd}, nil
}

// clusterReady reports whether the API server answers and the node is Ready.
func clusterReady(l Layout) bool {
	e, err := newEnv(l)
	if err != nil || e.Admin.ok(apiURL("/readyz")) != nil {
		return false
	}
	n, err := e.Admin.node(NodeName)
	return err == nil && n.Ready
}

// kubeconfigs maps each kubeconfig file to the certificate (user) it presents: the admin's
// and every component's, enabled or not.
func kubeconfigs(l Layout) map[string]string {
	admin := adminKubeconfig(l)
	out := map[string]string{admin.Path: admin.Cert.Name}
	for _, c := range Components(l) {
		if c.Kubeconfig != nil {
			out[c.Kubeconfig.Path] = c.Kubeconfig.Cert.Name
		}
	}
	return out
}

// writeConfigs keeps the PKI (issuing only what is missing or no longer valid) and writes
// every kubeconfig; component config files are written by each start.
func writeConfigs(l Layout) error {
	issued, err := EnsurePKI(l.PKIDir(), CertSpecs(l), time.Now())
	if err != nil {
		return err
	}
	if len(issued) > 0 {
		progress("issued certificates: %s", strings.Join(issued, " "))
	}
	for _, d := range []string{l.ConfDir(), l.LogDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	read := func(name string) []byte {
		b, _ := os.ReadFile(l.pkiFile(name))
		return b
	}
	ca := read("ca.crt")
	for file, cert := range kubeconfigs(l) {
		content := RenderKubeconfig(APIServerURL(), cert, ca, read(cert+".crt"), read(cert+".key"))
		if old, err := os.ReadFile(file); err == nil && string(old) == content {
			continue
		}
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// startComponent writes the component's files, runs its PreStart, starts it recording its
// stamp, waits for its health check and runs its PostStart.
func startComponent(e *Env, c Component, stamp string) error {
	if err := c.writeFiles(); err != nil {
		return err
	}
	if c.PreStart != nil {
		if err := c.PreStart(e); err != nil {
			return fmt.Errorf("%s: before start: %w", c.Name, err)
		}
	}
	progress("starting %s (log %s)", c.Name, e.L.Log(c.Name))
	if err := Start(e.L, c, stamp); err != nil {
		return err
	}
	if err := waitHealthy(e, c); err != nil {
		return err
	}
	if c.PostStart != nil {
		if err := c.PostStart(e); err != nil {
			return fmt.Errorf("%s: after start: %w", c.Name, err)
		}
	}
	return nil
}

// waitHealthy waits for a component's health check.
func waitHealthy(e *Env, c Component) error {
	if c.Health == nil {
		return nil
	}
	return waitFor(e.L, c.Name+" ready", c.Name, c.HealthTimeout, func() error { return c.Health(e) })
}

// prepareHost does what every start needs and is idempotent: packages, binaries, host state,
// PKI and kubeconfigs, the node link, the cgroup root, the saved sysctls.
func prepareHost(l Layout) ([]Timing, error) {
	if err := os.MkdirAll(l.LogDir(), 0o755); err != nil {
		return nil, err
	}
	if err := ensurePackages(l); err != nil {
		return nil, err
	}
	times, err := buildAll(l)
	if err != nil {
		return times, err
	}
	for _, step := range []func() error{
		func() error { return installKubectl(l) },
		func() error { return recordHostState(l) },
		func() error { return writeConfigs(l) },
		ensureNodeLink,
		ensurePodNetwork,
		ensureCgroupRoot,
		func() error { return saveSysctls(l) },
	} {
		if err := step(); err != nil {
			return times, err
		}
	}
	return times, nil
}

// Up makes the cluster run and keeps its data: on a healthy cluster it does nothing; on a
// cluster where some processes died it starts only those; when none runs (a reboot, or a
// session killed without down) it cleans what they left (mounts, links, cgroups, shim sockets,
// stale pid files) and starts everything on the kept etcd data, PKI and images; a component
// whose stamp changed is restarted. Only down removes data.
func Up(l Layout) error {
	if os.Geteuid() != 0 {
		return errors.New("up needs root (it runs containerd, the kubelet and creates links)")
	}
	begin := time.Now()
	unlock, err := lock(l)
	if err != nil {
		return err
	}
	defer unlock()
	if err := claimGlobals(l); err != nil {
		return err
	}
	comps := Components(l)
	plan := Decide(comps, stamps(l, comps), observe(l, comps))
	if plan.Idle() && clusterReady(l) {
		progress("the dev cluster is already up (%s); nothing to do", l.Dir)
		printUsage(os.Stdout, l)
		return nil
	}
	if plan.Recover {
		if found := leftovers(l); len(found) > 0 {
			progress("no process of the cluster runs: cleaning what an earlier run left (%s), keeping its data", strings.Join(found, ", "))
			if err := Teardown(l); err != nil {
				return err
			}
		}
		if err := wipe(l, l.VolatileDirs()); err != nil {
			return err
		}
	}
	times, err := prepareHost(l)
	if err != nil {
		return err
	}
	// Certificates may have been issued: decide again with the stamps they give.
	plan = Decide(comps, stamps(l, comps), observe(l, comps))
	if !plan.Recover {
		progress("plan: %s", plan)
	}
	started := time.Now()
	if err := apply(l, comps, plan); err != nil {
		progress("up failed; logs are in %s; `make dev-cluster` again starts what is missing, `make dev-cluster-down` removes everything", l.LogDir())
		return err
	}
	for _, t := range times {
		progress("timing: build %s %s", t.Name, t.D)
	}
	progress("timing: start to Ready %s, whole up %s", time.Since(started).Round(time.Second), time.Since(begin).Round(time.Second))
	printUsage(os.Stdout, l)
	return nil
}

// apply carries out a plan: stop what is to stop or restart (in stop order), then go through
// the enabled components in start order, starting what is to start and waiting for each.
func apply(l Layout, comps []Component, plan Plan) error {
	if _, err := stopNames(l, plan.Names(ActStop, ActRestart)); err != nil {
		return err
	}
	e, err := newEnv(l)
	if err != nil {
		return err
	}
	want := stamps(l, comps)
	for _, c := range comps {
		switch plan.Action(c.Name) {
		case ActStart, ActRestart:
			if err := startComponent(e, c, want[c.Name]); err != nil {
				return err
			}
		case ActKeep:
			if err := waitHealthy(e, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// printUsage tells the user how to reach the cluster, and what the enabled components offer.
func printUsage(w io.Writer, l Layout) {
	fmt.Fprintf(w, `dev cluster is up: node %s (%s), Kubernetes %s, API https://127.0.0.1:%d
  export KUBECONFIG=%s
  export PATH=%s:$PATH    # the dev kubectl
  kubectl get nodes; kubectl top node
images on the node: %s (busybox, sh); build more with: devcluster image --name localhost/mlexp/NAME:dev --add SRC:DST
`, NodeName, NodeIP, l.KubeVersion, APIServerPort, l.Kubeconfig(), l.BinDir(), ToolboxImage)
	for _, c := range Enabled(l) {
		if c.Summary != "" {
			fmt.Fprintf(w, "also: %s\n", c.Summary)
		}
	}
	fmt.Fprintf(w, "stop with: make dev-cluster-down (state and logs in %s)\n", l.Dir)
}
