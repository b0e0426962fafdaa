package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// healthy reports whether every component runs and the API server and node are ready.
func healthy(l Layout) bool {
	for _, c := range Components(l) {
		if _, ok := Running(l, c.Name); !ok {
			return false
		}
	}
	cl, err := newClient(l, "admin")
	if err != nil || cl.ok(apiURL("/readyz")) != nil {
		return false
	}
	n, err := cl.node()
	return err == nil && n.Ready
}

// writeConfigs regenerates the PKI and every config and kubeconfig.
func writeConfigs(l Layout) error {
	if err := GeneratePKI(l.PKIDir(), time.Now()); err != nil {
		return err
	}
	for _, d := range []string{l.ConfDir(), l.CNIConfDir(), l.LogDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	read := func(name string) []byte {
		b, _ := os.ReadFile(l.pkiFile(name))
		return b
	}
	ca := read("ca.crt")
	files := map[string]string{
		l.confFile("containerd.toml"):                          RenderContainerdConfig(l),
		l.confFile("kubelet.yaml"):                             RenderKubeletConfig(l),
		filepath.Join(l.CNIConfDir(), "10-mlexp-dev.conflist"): RenderCNIConfig(l),
	}
	for file, cert := range map[string]string{
		l.Kubeconfig(): "admin",
		l.confFile("controller-manager.kubeconfig"): "controller-manager",
		l.confFile("scheduler.kubeconfig"):          "scheduler",
		l.confFile("kubelet.kubeconfig"):            "kubelet-client",
		l.confFile("metrics-server.kubeconfig"):     "metrics-server-client",
	} {
		files[file] = RenderKubeconfig(APIServerURL(), cert, ca, read(cert+".crt"), read(cert+".key"))
	}
	for file, content := range files {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// startAndWait starts a component and waits for its readiness check.
func startAndWait(l Layout, name string, timeout time.Duration, check func() error) error {
	progress("starting %s (log %s)", name, l.Log(name))
	if err := Start(l, component(l, name)); err != nil {
		return err
	}
	return waitFor(l, name+" ready", name, timeout, check)
}

// Up makes the cluster run: idempotent, and recovering from a run killed without down.
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
	restart := false
	if healthy(l) {
		if stamp, _ := os.ReadFile(l.stampFile()); string(stamp) == ConfigStamp(l) {
			progress("the dev cluster is already up (%s); nothing to do", l.Dir)
			printUsage(l)
			return nil
		}
		progress("the dev cluster runs with another configuration than this tool's: restarting it")
		restart = true
	}
	if found := leftovers(l); len(found) > 0 {
		if !restart {
			progress("cleaning up leftovers of an earlier run: %s", strings.Join(found, ", "))
		}
		if err := Teardown(l); err != nil {
			return err
		}
	}
	if err := wipeRuntime(l); err != nil {
		return err
	}
	if err := os.MkdirAll(l.LogDir(), 0o755); err != nil {
		return err
	}
	if err := ensurePackages(l); err != nil {
		return err
	}
	times, err := buildAll(l)
	if err != nil {
		return err
	}
	if err := recordHostState(l); err != nil {
		return err
	}
	if err := writeConfigs(l); err != nil {
		return err
	}
	if err := ensureNodeLink(); err != nil {
		return err
	}
	if err := ensureCgroupRoot(); err != nil {
		return err
	}
	if err := saveSysctls(l); err != nil {
		return err
	}
	started := time.Now()
	if err := startCluster(l); err != nil {
		progress("up failed; `make dev-cluster-down` (devcluster down) cleans up, logs are in %s", l.LogDir())
		return err
	}
	if err := os.WriteFile(l.stampFile(), []byte(ConfigStamp(l)), 0o644); err != nil {
		return err
	}
	ready := time.Since(started).Round(time.Second)
	for _, t := range times {
		progress("timing: build %s %s", t.Name, t.D)
	}
	progress("timing: start to Ready with metrics %s, whole up %s", ready, time.Since(begin).Round(time.Second))
	printUsage(l)
	return nil
}

// startCluster starts every component in order and waits for each.
func startCluster(l Layout) error {
	begin := time.Now()
	admin, err := newClient(l, "admin")
	if err != nil {
		return err
	}
	etcd, err := newClient(l, "apiserver-etcd-client")
	if err != nil {
		return err
	}
	err = startAndWait(l, "containerd", 30*time.Second, func() error {
		return run("ctr", "--address", l.ContainerdSock(), "version")
	})
	if err != nil {
		return err
	}
	progress("importing %s and %s", PauseImage, ToolboxImage)
	toolbox, err := ToolboxSpec()
	if err != nil {
		return err
	}
	for _, spec := range []ImageSpec{PauseSpec(l), toolbox} {
		if err := ImportImage(l, spec); err != nil {
			return err
		}
	}
	if again, err := reimportImages(l, PauseImage, ToolboxImage); err != nil {
		return err
	} else if len(again) > 0 {
		progress("imported images built earlier: %s", strings.Join(again, " "))
	}
	steps := []struct {
		name    string
		timeout time.Duration
		check   func() error
	}{
		{"etcd", time.Minute, func() error { return etcd.ok(fmt.Sprintf("https://127.0.0.1:%d/health", EtcdClientPort)) }},
		{"kube-apiserver", 2 * time.Minute, func() error { return admin.ok(apiURL("/readyz")) }},
		{"kube-controller-manager", time.Minute, func() error {
			return admin.ok(fmt.Sprintf("https://127.0.0.1:%d/healthz", ControllerManagerPort))
		}},
		{"kube-scheduler", time.Minute, func() error {
			return admin.ok(fmt.Sprintf("https://127.0.0.1:%d/healthz", SchedulerPort))
		}},
		{"kubelet", 2 * time.Minute, func() error {
			n, err := admin.node()
			if err == nil && !n.Ready {
				err = fmt.Errorf("node %s not Ready: %s", NodeName, n.Reason)
			}
			return err
		}},
	}
	for _, s := range steps {
		if err := startAndWait(l, s.name, s.timeout, s.check); err != nil {
			return err
		}
	}
	progress("node %s Ready %s after containerd started", NodeName, time.Since(begin).Round(time.Second))
	if changed, err := restoreSysctls(l, false); err != nil {
		return err
	} else if len(changed) > 0 {
		progress("restored host sysctls the kubelet changed: %s", strings.Join(changed, " "))
	}
	caPEM, err := os.ReadFile(l.pkiFile("ca.crt"))
	if err != nil {
		return err
	}
	if _, err := kubectl(l, RenderMetricsServerManifests(caPEM), "apply", "-f", "-"); err != nil {
		return err
	}
	if err := startAndWait(l, "metrics-server", 3*time.Minute, admin.nodeMetrics); err != nil {
		return err
	}
	return waitFor(l, "the default ServiceAccount", "kube-controller-manager", time.Minute, func() error {
		return admin.ok(apiURL("/api/v1/namespaces/default/serviceaccounts/default"))
	})
}

// printUsage tells the user how to reach the cluster.
func printUsage(l Layout) {
	fmt.Printf(`dev cluster is up: node %s (%s), Kubernetes %s, API https://127.0.0.1:%d
  export KUBECONFIG=%s
  export PATH=%s:$PATH    # the dev kubectl
  kubectl get nodes; kubectl top node
images on the node: %s (busybox, sh); build more with: devcluster image --name localhost/mlexp/NAME:dev --add SRC:DST
stop with: make dev-cluster-down (state and logs in %s)
`, NodeName, NodeIP, KubeVersion, APIServerPort, l.Kubeconfig(), l.BinDir(), ToolboxImage, l.Dir)
}

func (l Layout) stampFile() string { return l.join("run", "config.stamp") }

// ConfigStamp fingerprints what the running cluster was started with (versions, every
// command line, the rendered configs and manifests), so up notices a changed tool.
func ConfigStamp(l Layout) string {
	h := sha256.New()
	fmt.Fprintln(h, KubeVersion, EtcdVersion, MetricsServerVersion)
	for _, c := range Components(l) {
		fmt.Fprintln(h, strings.Join(c.Command(), " "))
	}
	for _, s := range []string{RenderContainerdConfig(l), RenderKubeletConfig(l), RenderCNIConfig(l), RenderMetricsServerManifests(nil)} {
		fmt.Fprintln(h, s)
	}
	return hex.EncodeToString(h.Sum(nil))
}
