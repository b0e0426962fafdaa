package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The core components: containerd, etcd, the control plane, the kubelet and metrics-server.

// NodeMonitorGracePeriod is how long the controller-manager waits for a node's heartbeat
// before it marks the node NotReady: low, so the fault tests see a stopped kubelet quickly.
// With the kubelet's lease renewed every KubeletLeaseSeconds/4, a stopped kubelet makes the
// node NotReady within about NodeMonitorGracePeriod + NodeMonitorPeriod.
const (
	NodeMonitorGracePeriod = 20 * time.Second
	NodeMonitorPeriod      = 2 * time.Second
	// KubeletLeaseSeconds is the kubelet's (and the fake nodes') node lease duration; the
	// lease is renewed every quarter of it (5 s).
	KubeletLeaseSeconds = 20
)

func kubeBuild(l Layout) *Build {
	return &Build{Key: "kubernetes-" + l.KubeVersion, Module: "k8s.io/kubernetes", Version: l.KubeVersion,
		Outputs: KubeBinaries, LDFlags: kubeLDFlags(l.KubeVersion), Custom: buildKube}
}

func pauseBuild() Build {
	return Build{Key: "pause", Main: pauseSource, LDFlags: "-s -w", Outputs: []string{"pause"}}
}

func containerdComponent(l Layout) Component {
	return Component{
		Name: "containerd", Enabled: true, Bin: "/usr/bin/containerd",
		Args: flags("config", l.confFile("containerd.toml")),
		Files: map[string]string{
			l.confFile("containerd.toml"):                          RenderContainerdConfig(l),
			filepath.Join(l.CNIConfDir(), "10-mlexp-dev.conflist"): RenderCNIConfig(l),
		},
		Health: func(e *Env) error {
			return run("ctr", "--address", l.ContainerdSock(), "version")
		},
		HealthTimeout: 30 * time.Second,
		PostStart:     importImages,
		StopPhase:     0, StopTimeout: 10 * time.Second,
	}
}

// importImages imports the pause and toolbox images and every image built earlier.
func importImages(e *Env) error {
	toolbox, err := ToolboxSpec()
	if err != nil {
		return err
	}
	for _, spec := range []ImageSpec{PauseSpec(e.L), toolbox} {
		if err := ImportImage(e.L, spec); err != nil {
			return err
		}
	}
	again, err := reimportImages(e.L, PauseImage, ToolboxImage)
	if err != nil {
		return err
	}
	if len(again) > 0 {
		progress("imported images built earlier: %s", strings.Join(again, " "))
	}
	return nil
}

func etcdComponent(l Layout) Component {
	p := l.pkiFile
	etcdURL := fmt.Sprintf("https://127.0.0.1:%d", EtcdClientPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", EtcdPeerPort)
	b := &Build{Key: "etcd-" + EtcdVersion, Module: "go.etcd.io/etcd/server/v3", Version: EtcdVersion,
		Main: etcdMain, LDFlags: "-s -w", Outputs: []string{"etcd"}}
	return Component{
		Name: "etcd", Enabled: true, Version: EtcdVersion, Build: b, Bin: filepath.Join(b.Dir(l), "etcd"),
		Args: flags(
			"name", NodeName,
			"data-dir", l.EtcdDataDir(),
			"listen-client-urls", etcdURL,
			"advertise-client-urls", etcdURL,
			"listen-peer-urls", peerURL,
			"initial-advertise-peer-urls", peerURL,
			"initial-cluster", NodeName+"="+peerURL,
			"initial-cluster-state", "new",
			"cert-file", p("etcd-server.crt"),
			"key-file", p("etcd-server.key"),
			"trusted-ca-file", p("ca.crt"),
			"client-cert-auth", "true",
			"log-level", "warn",
		),
		Certs: []CertSpec{{Name: "etcd-server", Signer: caName, CN: "mlexp-etcd", DNS: []string{"localhost"},
			IPs: []net.IP{net.ParseIP(loopbackAddress)}, Server: true, Client: true}},
		Health:        func(e *Env) error { return e.Etcd.ok(loopbackURL("https", EtcdClientPort, "/health")) },
		HealthTimeout: time.Minute,
		StopPhase:     1, StopTimeout: 10 * time.Second,
	}
}

func apiserverComponent(l Layout) Component {
	p := l.pkiFile
	return Component{
		Name: "kube-apiserver", Enabled: true, Build: kubeBuild(l), Bin: l.KubeBin("kube-apiserver"),
		Args: flags(
			"advertise-address", NodeIP,
			"bind-address", "127.0.0.1",
			"secure-port", fmt.Sprint(APIServerPort),
			"etcd-servers", fmt.Sprintf("https://127.0.0.1:%d", EtcdClientPort),
			"etcd-cafile", p("ca.crt"),
			"etcd-certfile", p(etcdClientName+".crt"),
			"etcd-keyfile", p(etcdClientName+".key"),
			"client-ca-file", p("ca.crt"),
			"tls-cert-file", p("apiserver.crt"),
			"tls-private-key-file", p("apiserver.key"),
			"kubelet-client-certificate", p("apiserver-kubelet-client.crt"),
			"kubelet-client-key", p("apiserver-kubelet-client.key"),
			"kubelet-certificate-authority", p("ca.crt"),
			"kubelet-preferred-address-types", "InternalIP,Hostname",
			"authorization-mode", "Node,RBAC",
			"enable-admission-plugins", "NodeRestriction",
			"allow-privileged", "true",
			"service-cluster-ip-range", ServiceCIDR,
			"service-account-issuer", "https://kubernetes.default.svc.cluster.local",
			"service-account-key-file", p("sa.pub"),
			"service-account-signing-key-file", p("sa.key"),
			"requestheader-client-ca-file", p("front-proxy-ca.crt"),
			"requestheader-allowed-names", frontProxyName,
			"requestheader-extra-headers-prefix", "X-Remote-Extra-",
			"requestheader-group-headers", "X-Remote-Group",
			"requestheader-username-headers", "X-Remote-User",
			"proxy-client-cert-file", p("front-proxy-client.crt"),
			"proxy-client-key-file", p("front-proxy-client.key"),
			"enable-aggregator-routing", "true",
			"profiling", "false",
		),
		Certs: []CertSpec{
			{Name: "apiserver", Signer: caName, CN: "kube-apiserver", Server: true,
				DNS: []string{"localhost", NodeName, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
				IPs: []net.IP{net.ParseIP(loopbackAddress), net.ParseIP(NodeIP), firstServiceIP()}},
			clientCert(etcdClientName, "kube-apiserver-etcd-client"),
			clientCert("apiserver-kubelet-client", "kube-apiserver-kubelet-client", "system:masters"),
			{Name: frontProxyName, Signer: frontProxyCA, CN: frontProxyName, Client: true},
		},
		Health:        func(e *Env) error { return e.Admin.ok(apiURL("/readyz")) },
		HealthTimeout: 2 * time.Minute,
		StopPhase:     2, StopTimeout: 15 * time.Second,
	}
}

func controllerManagerComponent(l Layout) Component {
	p := l.pkiFile
	kc := apiClient(l, "controller-manager", "controller-manager", "system:kube-controller-manager")
	serving := loopbackServing("controller-manager-server", "kube-controller-manager")
	return Component{
		Name: "kube-controller-manager", Enabled: true, Build: kubeBuild(l), Bin: l.KubeBin("kube-controller-manager"),
		Args: append(delegatedServing(l, kc, loopbackAddress, ControllerManagerPort, serving), flags(
			"leader-elect", "false",
			"use-service-account-credentials", "true",
			"service-account-private-key-file", p("sa.key"),
			"root-ca-file", p("ca.crt"),
			"cluster-signing-cert-file", p("ca.crt"),
			"cluster-signing-key-file", p("ca.key"),
			"service-cluster-ip-range", ServiceCIDR,
			"allocate-node-cidrs", "false",
			"node-monitor-grace-period", NodeMonitorGracePeriod.String(),
			"node-monitor-period", NodeMonitorPeriod.String(),
			// At the defaults (20 QPS, 5 Job syncs) the Job controller
			// finishes ~3.4 trials a second: 10,000 simulated trials
			// would take most of an hour (measured with hack/bench).
			"kube-api-qps", "100",
			"kube-api-burst", "200",
			"concurrent-job-syncs", "20",
			"profiling", "false",
		)...),
		Certs:         []CertSpec{serving},
		Kubeconfig:    kc,
		Health:        adminHealthz(ControllerManagerPort),
		HealthTimeout: time.Minute,
		// The default ServiceAccount is made by the controller-manager: tests need it.
		PostStart: func(e *Env) error {
			return waitFor(e.L, "the default ServiceAccount", "kube-controller-manager", time.Minute, func() error {
				return e.Admin.ok(apiURL("/api/v1/namespaces/default/serviceaccounts/default"))
			})
		},
		StopPhase: 3, StopTimeout: 10 * time.Second,
	}
}

func schedulerComponent(l Layout) Component {
	kc := apiClient(l, "scheduler", "scheduler", "system:kube-scheduler")
	serving := loopbackServing("scheduler-server", "kube-scheduler")
	return Component{
		Name: "kube-scheduler", Enabled: true, Build: kubeBuild(l), Bin: l.KubeBin("kube-scheduler"),
		Args: append(delegatedServing(l, kc, loopbackAddress, SchedulerPort, serving),
			flags("leader-elect", "false", "profiling", "false")...),
		Certs:         []CertSpec{serving},
		Kubeconfig:    kc,
		Health:        adminHealthz(SchedulerPort),
		HealthTimeout: time.Minute,
		StopPhase:     3, StopTimeout: 10 * time.Second,
	}
}

func kubeletComponent(l Layout) Component {
	kc := apiClient(l, "kubelet", "kubelet-client", kubeletUserName, "system:nodes")
	return Component{
		Name: "kubelet", Enabled: true, Build: kubeBuild(l), Bin: l.KubeBin("kubelet"),
		Args: flags(
			"config", l.confFile("kubelet.yaml"),
			"kubeconfig", kc.Path,
			"root-dir", l.KubeletDir(),
			"cert-dir", l.join("kubelet", "pki"),
			"node-ip", NodeIP,
			"hostname-override", NodeName,
		),
		Files: map[string]string{l.confFile("kubelet.yaml"): RenderKubeletConfig(l)},
		Certs: []CertSpec{{Name: "kubelet-server", Signer: caName, CN: NodeName, DNS: []string{NodeName, "localhost"},
			IPs: []net.IP{net.ParseIP(NodeIP), net.ParseIP(loopbackAddress)}, Server: true}},
		Kubeconfig:    kc,
		Health:        func(e *Env) error { return nodeReady(e, NodeName) },
		HealthTimeout: 2 * time.Minute,
		// The kubelet rewrites host sysctls when it starts: put them back once it runs.
		PostStart: func(e *Env) error {
			changed, err := restoreSysctls(e.L, false)
			if len(changed) > 0 {
				progress("restored host sysctls the kubelet changed: %s", strings.Join(changed, " "))
			}
			return err
		},
		Status:    nodeStatus,
		StopPhase: 4, StopTimeout: 10 * time.Second,
	}
}

func metricsServerComponent(l Layout) Component {
	p := l.pkiFile
	kc := apiClient(l, "metrics-server", "metrics-server-client", metricsUser)
	serving := CertSpec{Name: "metrics-server", Signer: caName, CN: "metrics-server", Server: true,
		DNS: []string{"metrics-server.kube-system.svc", "metrics-server.kube-system.svc.cluster.local"}, IPs: []net.IP{net.ParseIP(NodeIP)}}
	pkg := "sigs.k8s.io/metrics-server/cmd/metrics-server"
	b := &Build{Key: "metrics-server-" + MetricsServerVersion, Module: "sigs.k8s.io/metrics-server",
		Version: MetricsServerVersion, Pkgs: []string{pkg}, Outputs: []string{"metrics-server"},
		LDFlags: "-s -w -X sigs.k8s.io/metrics-server/pkg/version.gitVersion=" + MetricsServerVersion}
	return Component{
		Name: "metrics-server", Enabled: true, Version: MetricsServerVersion, Build: b, Bin: filepath.Join(b.Dir(l), "metrics-server"),
		Args: append(delegatedServing(l, kc, NodeIP, MetricsServerPort, serving), flags(
			"kubelet-certificate-authority", p("ca.crt"),
			"kubelet-preferred-address-types", "InternalIP",
			"kubelet-use-node-status-port", "true",
			"metric-resolution", "10s",
			"kubelet-request-timeout", "5s",
		)...),
		Certs:      []CertSpec{serving},
		Kubeconfig: kc,
		PreStart: func(e *Env) error {
			caPEM, err := os.ReadFile(e.L.pkiFile("ca.crt"))
			if err != nil {
				return err
			}
			_, err = kubectl(e.L, RenderMetricsServerManifests(caPEM), "apply", "-f", "-")
			return err
		},
		Health:        func(e *Env) error { return e.Admin.nodeMetrics() },
		HealthTimeout: 3 * time.Minute,
		Status: func(e *Env) (string, bool) {
			if err := e.Admin.nodeMetrics(); err != nil {
				return fmt.Sprintf("metrics.k8s.io: not serving (%v)", err), false
			}
			return "metrics.k8s.io: serving", true
		},
		StopPhase: 4, StopTimeout: 10 * time.Second,
	}
}

// delegatedServing are the flags of a component that reads the API with kc, authenticates
// and authorizes its own clients through it, and serves TLS on bind:port with serving.
func delegatedServing(l Layout, kc *Kubeconfig, bind string, port int, serving CertSpec) []string {
	return flags(
		"kubeconfig", kc.Path,
		"authentication-kubeconfig", kc.Path,
		"authorization-kubeconfig", kc.Path,
		"bind-address", bind,
		"secure-port", fmt.Sprint(port),
		"tls-cert-file", l.pkiFile(serving.Name+".crt"),
		"tls-private-key-file", l.pkiFile(serving.Name+".key"),
	)
}

// loopbackURL is a URL of a server on 127.0.0.1.
func loopbackURL(scheme string, port int, path string) string {
	return fmt.Sprintf("%s://%s%s", scheme, joinHostPort(loopbackAddress, port), path)
}

// adminHealthz checks a component's /healthz on 127.0.0.1:port as the admin.
func adminHealthz(port int) func(*Env) error {
	return func(e *Env) error { return e.Admin.ok(loopbackURL("https", port, "/healthz")) }
}

// nodeReady answers nil once the node is Ready.
func nodeReady(e *Env, name string) error {
	n, err := e.Admin.node(name)
	if err == nil && !n.Ready {
		err = fmt.Errorf("node %s not Ready: %s", name, n.Reason)
	}
	return err
}

// nodeStatus is the kubelet's status line: the node's readiness, address and allocatable.
func nodeStatus(e *Env) (string, bool) {
	n, err := e.Admin.node(NodeName)
	switch {
	case err != nil:
		return fmt.Sprintf("node %s: %v", NodeName, err), false
	case n.Ready:
		return fmt.Sprintf("node %s: Ready, address %s, allocatable cpu %s memory %s, kubelet %s", NodeName, n.Address, n.CPU, n.Memory, n.Version), true
	}
	return fmt.Sprintf("node %s: NotReady (%s)", NodeName, n.Reason), false
}
