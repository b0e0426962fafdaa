package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// The one place to change what the dev cluster runs.
const (
	// DefaultKubeVersion is the k8s.io/kubernetes release the control plane, kubelet and
	// kubectl are built from unless KUBE_VERSION says otherwise.
	DefaultKubeVersion = "v1.37.2"
	// SkewKubeVersion is the oldest Kubernetes release still supported upstream, for
	// `make e2e-skew` (KUBE_VERSION=v1.34.4); its binaries are cached beside the default's.
	SkewKubeVersion = "v1.34.4"
	// EtcdVersion is the go.etcd.io/etcd/server/v3 release etcd is built from.
	EtcdVersion = "v3.6.16"
	// MetricsServerVersion is the sigs.k8s.io/metrics-server release.
	MetricsServerVersion = "v0.8.0"
	// KwokVersion is the sigs.k8s.io/kwok release of the simulated-node controller.
	KwokVersion = "v0.8.0"
	// KueueVersion is the sigs.k8s.io/kueue release of the queueing controller.
	KueueVersion = "v0.17.0"
	// DefaultKwokNodes is how many fake nodes KWOK simulates unless KWOK_NODES says otherwise.
	DefaultKwokNodes = 4
)

// Network and port plan: away from every default port, bound to loopback or the node address.
const (
	// NodeLink is the port-less bridge that holds the node address.
	NodeLink = "mlexp0"
	// NodeIP is the node's InternalIP, held by NodeLink as a /32.
	NodeIP = "10.217.0.1"
	// CNIBridge is the bridge the CNI bridge plugin attaches pods to.
	CNIBridge = "mlexp-cni0"
	// CNINetwork is the name of the CNI network.
	CNINetwork = "mlexp-dev"
	// PodCIDR is the range pods get addresses from.
	PodCIDR = "10.217.64.0/20"
	// ServiceCIDR is the range of Service cluster IPs.
	ServiceCIDR = "10.217.128.0/20"
	// ClusterDNSIP is the nameserver pods are given. No DNS server runs (pods route only to
	// the API server's ClusterIP); setting it spares every pod a MissingClusterDNS warning event.
	ClusterDNSIP = "10.217.128.10"
	// NodeName is the name of the one node.
	NodeName = "mlexp-dev"
	// CgroupRoot is the cgroup (in every hierarchy) the kubelet puts pods under.
	CgroupRoot = "/mlexp-dev"

	// EtcdClientPort is etcd's client port on 127.0.0.1.
	EtcdClientPort = 22379
	// EtcdPeerPort is etcd's peer port on 127.0.0.1.
	EtcdPeerPort = 22380
	// APIServerPort is kube-apiserver's secure port on 127.0.0.1.
	APIServerPort = 16443
	// ControllerManagerPort is kube-controller-manager's secure port on 127.0.0.1.
	ControllerManagerPort = 20257
	// SchedulerPort is kube-scheduler's secure port on 127.0.0.1.
	SchedulerPort = 20259
	// KubeletPort is the kubelet's API port on the node address.
	KubeletPort = 20250
	// KubeletHealthzPort is the kubelet's healthz port on 127.0.0.1.
	KubeletHealthzPort = 20248
	// MetricsServerPort is metrics-server's secure port on the node address.
	MetricsServerPort = 24443
	// KwokPort is the kwok controller's server (the fake nodes' "kubelet": logs, metrics) on 127.0.0.1.
	KwokPort = 20350
	// KueueWebhookPort is Kueue's webhook server on 127.0.0.1 (no webhook configuration points at it).
	KueueWebhookPort = 29443
	// KueueMetricsPort is Kueue's metrics server on 127.0.0.1.
	KueueMetricsPort = 28443
	// KueueHealthPort is Kueue's healthz/readyz server on 127.0.0.1 (plain http).
	KueueHealthPort = 28081
)

// Images the tool builds and imports.
const (
	// PauseImage is the sandbox image: one static pause binary.
	PauseImage = "localhost/mlexp/pause:dev"
	// ToolboxImage is the shell-capable test image: busybox-static and its applets.
	ToolboxImage = "localhost/mlexp/toolbox:dev"
)

// DefaultDir is where all state lives unless MLEXP_DEV_DIR says otherwise.
const DefaultDir = "/var/lib/mlexp-dev"

// Layout names every path under the state directory, and carries the choices the
// environment makes about what runs (Kubernetes version, optional components).
type Layout struct {
	Dir string
	// KubeVersion is the Kubernetes release to run (KUBE_VERSION, default DefaultKubeVersion).
	KubeVersion string
	// Kwok runs the KWOK controller and its fake nodes (MLEXP_KWOK, default on).
	Kwok bool
	// KwokNodes is the number of fake nodes (KWOK_NODES, default DefaultKwokNodes).
	KwokNodes int
	// Kueue runs Kueue (MLEXP_KUEUE, default on).
	Kueue bool
}

var kubeVersionRE = regexp.MustCompile(`^v1\.(3[4-9]|[4-9][0-9])\.[0-9]+$`)

// NewLayout returns the layout for MLEXP_DEV_DIR (or DefaultDir), made absolute and clean,
// with the choices of KUBE_VERSION, MLEXP_KWOK, KWOK_NODES and MLEXP_KUEUE.
func NewLayout() (Layout, error) {
	dir := os.Getenv("MLEXP_DEV_DIR")
	if dir == "" {
		dir = DefaultDir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Layout{}, fmt.Errorf("state dir %q: %w", dir, err)
	}
	if abs == "/" {
		return Layout{}, fmt.Errorf("refusing to use / as MLEXP_DEV_DIR")
	}
	return layoutFromEnv(abs, os.Getenv)
}

// layoutFromEnv reads the environment's choices through getenv.
func layoutFromEnv(dir string, getenv func(string) string) (Layout, error) {
	l := Layout{Dir: dir, KubeVersion: DefaultKubeVersion, Kwok: true, KwokNodes: DefaultKwokNodes, Kueue: true}
	if v := getenv("KUBE_VERSION"); v != "" {
		if !kubeVersionRE.MatchString(v) {
			return l, fmt.Errorf("KUBE_VERSION: want a release like %s or %s, got %q", DefaultKubeVersion, SkewKubeVersion, v)
		}
		l.KubeVersion = v
	}
	var err error
	if l.Kwok, err = envBool(getenv, "MLEXP_KWOK", l.Kwok); err != nil {
		return l, err
	}
	if l.Kueue, err = envBool(getenv, "MLEXP_KUEUE", l.Kueue); err != nil {
		return l, err
	}
	if v := getenv("KWOK_NODES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return l, fmt.Errorf("KWOK_NODES: want a number from 0 to 1000, got %q", v)
		}
		l.KwokNodes = n
	}
	return l, nil
}

// envBool reads a 0/1 (or false/true) variable.
func envBool(getenv func(string) string, key string, def bool) (bool, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s: want 0 or 1, got %q", key, v)
	}
	return b, nil
}

func (l Layout) join(p ...string) string { return filepath.Join(append([]string{l.Dir}, p...)...) }

// BinDir holds bin/kubectl (the one binary meant for PATH) and the versioned binary caches.
func (l Layout) BinDir() string { return l.join("bin") }

// KubeBinDir is the cache of Kubernetes binaries for the layout's KubeVersion.
func (l Layout) KubeBinDir() string { return l.join("bin", "kubernetes-"+l.KubeVersion) }

// PauseBin is the cached pause binary.
func (l Layout) PauseBin() string { return l.join("bin", "pause", "pause") }

// KubeBin is the cached Kubernetes binary called name.
func (l Layout) KubeBin(name string) string { return filepath.Join(l.KubeBinDir(), name) }

// Kubectl is the dev kubectl for PATH.
func (l Layout) Kubectl() string { return l.join("bin", "kubectl") }

// BuildDir holds the generated build modules.
func (l Layout) BuildDir() string { return l.join("build") }

// Kubeconfig is the admin kubeconfig.
func (l Layout) Kubeconfig() string { return l.join("kubeconfig") }

// LogDir holds one log file per component.
func (l Layout) LogDir() string { return l.join("logs") }

// Log is the log file of a component.
func (l Layout) Log(name string) string { return l.join("logs", name+".log") }

// RunDir holds pid files and sockets.
func (l Layout) RunDir() string { return l.join("run") }

// PidFile is the pid file of a component.
func (l Layout) PidFile(name string) string { return l.join("run", name+".pid") }

// PKIDir holds the CA, certificates and keys.
func (l Layout) PKIDir() string { return l.join("pki") }

// ConfDir holds rendered configs and kubeconfigs of the components.
func (l Layout) ConfDir() string { return l.join("etc") }

// EtcdDataDir is etcd's data directory.
func (l Layout) EtcdDataDir() string { return l.join("etcd") }

// ContainerdRoot is containerd's root (images, snapshots).
func (l Layout) ContainerdRoot() string { return l.join("containerd", "root") }

// ContainerdState is containerd's state dir.
func (l Layout) ContainerdState() string { return l.join("containerd", "state") }

// ContainerdSock is the project's containerd socket.
func (l Layout) ContainerdSock() string { return l.join("run", "containerd", "containerd.sock") }

// RuncRoot is runc's state root for our containers.
func (l Layout) RuncRoot() string { return l.join("run", "runc") }

// KubeletDir is the kubelet's root dir.
func (l Layout) KubeletDir() string { return l.join("kubelet") }

// PodLogDir is where the kubelet writes container logs.
func (l Layout) PodLogDir() string { return l.join("pod-logs") }

// CNIConfDir holds the CNI conflist.
func (l Layout) CNIConfDir() string { return l.join("cni", "net.d") }

// CNIDataDir holds host-local IPAM and libcni cache state.
func (l Layout) CNIDataDir() string { return l.join("cni", "data") }

// SysctlSaved records host sysctls before the kubelet rewrote them.
func (l Layout) SysctlSaved() string { return l.join("sysctl.saved") }

// HostState records facts about the host before the first up (e.g. whether /run/netns was a mount).
func (l Layout) HostState() string { return l.join("host.state") }

// ImageDir holds the image tars built for import; down keeps them and up imports them
// again, so images built with the image command survive a down/up like in a registry.
func (l Layout) ImageDir() string { return l.join("images") }

// VolatileDirs are what a reboot would clear (the pid files and sockets of run/, containerd's
// state): up removes them when it finds no process of the cluster running, and keeps the data.
func (l Layout) VolatileDirs() []string {
	return []string{l.RunDir(), l.ContainerdState()}
}

// RuntimeDirs are wiped by down: everything but bin, build, images and logs.
func (l Layout) RuntimeDirs() []string {
	return []string{
		l.RunDir(), l.PKIDir(), l.ConfDir(), l.EtcdDataDir(), l.join("containerd"),
		l.KubeletDir(), l.PodLogDir(), l.join("cni"), l.Kubeconfig(),
	}
}

// APIServerURL is the URL clients on this machine use.
func APIServerURL() string {
	return fmt.Sprintf("https://%s", net.JoinHostPort("127.0.0.1", fmt.Sprint(APIServerPort)))
}
