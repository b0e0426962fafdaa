package main

import (
	"fmt"
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
		Name: "etcd", Enabled: true, Build: b, Bin: filepath.Join(b.Dir(l), "etcd"),
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
		Health: func(e *Env) error {
			return e.Etcd.ok(fmt.Sprintf("https://127.0.0.1:%d/health", EtcdClientPort))
		},
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
			"etcd-certfile", p("apiserver-etcd-client.crt"),
			"etcd-keyfile", p("apiserver-etcd-client.key"),
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
		Health:        func(e *Env) error { return e.Admin.ok(apiURL("/readyz")) },
		HealthTimeout: 2 * time.Minute,
		StopPhase:     2, StopTimeout: 15 * time.Second,
	}
}

func controllerManagerComponent(l Layout) Component {
	p, c := l.pkiFile, l.confFile
	return Component{
		Name: "kube-controller-manager", Enabled: true, Build: kubeBuild(l), Bin: l.KubeBin("kube-controller-manager"),
		Args: flags(
			"kubeconfig", c("controller-manager.kubeconfig"),
			"authentication-kubeconfig", c("controller-manager.kubeconfig"),
			"authorization-kubeconfig", c("controller-manager.kubeconfig"),
			"bind-address", "127.0.0.1",
			"secure-port", fmt.Sprint(ControllerManagerPort),
			"tls-cert-file", p("controller-manager-server.crt"),
			"tls-private-key-file", p("controller-manager-server.key"),
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
		),
		Health: func(e *Env) error {
			return e.Admin.ok(fmt.Sprintf("https://127.0.0.1:%d/healthz", ControllerManagerPort))
		},
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
	p, c := l.pkiFile, l.confFile
	return Component{
		Name: "kube-scheduler", Enabled: true, Build: kubeBuild(l), Bin: l.KubeBin("kube-scheduler"),
		Args: flags(
			"kubeconfig", c("scheduler.kubeconfig"),
			"authentication-kubeconfig", c("scheduler.kubeconfig"),
			"authorization-kubeconfig", c("scheduler.kubeconfig"),
			"bind-address", "127.0.0.1",
			"secure-port", fmt.Sprint(SchedulerPort),
			"tls-cert-file", p("scheduler-server.crt"),
			"tls-private-key-file", p("scheduler-server.key"),
			"leader-elect", "false",
			"profiling", "false",
		),
		Health: func(e *Env) error {
			return e.Admin.ok(fmt.Sprintf("https://127.0.0.1:%d/healthz", SchedulerPort))
		},
		HealthTimeout: time.Minute,
		StopPhase:     3, StopTimeout: 10 * time.Second,
	}
}

func kubeletComponent(l Layout) Component {
	return Component{
		Name: "kubelet", Enabled: true, Build: kubeBuild(l), Bin: l.KubeBin("kubelet"),
		Args: flags(
			"config", l.confFile("kubelet.yaml"),
			"kubeconfig", l.confFile("kubelet.kubeconfig"),
			"root-dir", l.KubeletDir(),
			"cert-dir", l.join("kubelet", "pki"),
			"node-ip", NodeIP,
			"hostname-override", NodeName,
		),
		Files: map[string]string{l.confFile("kubelet.yaml"): RenderKubeletConfig(l)},
		Health: func(e *Env) error {
			n, err := e.Admin.node(NodeName)
			if err == nil && !n.Ready {
				err = fmt.Errorf("node %s not Ready: %s", NodeName, n.Reason)
			}
			return err
		},
		HealthTimeout: 2 * time.Minute,
		// The kubelet rewrites host sysctls when it starts: put them back once it runs.
		PostStart: func(e *Env) error {
			changed, err := restoreSysctls(e.L, false)
			if len(changed) > 0 {
				progress("restored host sysctls the kubelet changed: %s", strings.Join(changed, " "))
			}
			return err
		},
		StopPhase: 4, StopTimeout: 10 * time.Second,
	}
}

func metricsServerComponent(l Layout) Component {
	p, c := l.pkiFile, l.confFile
	pkg := "sigs.k8s.io/metrics-server/cmd/metrics-server"
	b := &Build{Key: "metrics-server-" + MetricsServerVersion, Module: "sigs.k8s.io/metrics-server",
		Version: MetricsServerVersion, Pkgs: []string{pkg}, Outputs: []string{"metrics-server"},
		LDFlags: "-s -w -X sigs.k8s.io/metrics-server/pkg/version.gitVersion=" + MetricsServerVersion}
	return Component{
		Name: "metrics-server", Enabled: true, Build: b, Bin: filepath.Join(b.Dir(l), "metrics-server"),
		Args: flags(
			"kubeconfig", c("metrics-server.kubeconfig"),
			"authentication-kubeconfig", c("metrics-server.kubeconfig"),
			"authorization-kubeconfig", c("metrics-server.kubeconfig"),
			"bind-address", NodeIP,
			"secure-port", fmt.Sprint(MetricsServerPort),
			"tls-cert-file", p("metrics-server.crt"),
			"tls-private-key-file", p("metrics-server.key"),
			"kubelet-certificate-authority", p("ca.crt"),
			"kubelet-preferred-address-types", "InternalIP",
			"kubelet-use-node-status-port", "true",
			"metric-resolution", "10s",
			"kubelet-request-timeout", "5s",
		),
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
		StopPhase:     4, StopTimeout: 10 * time.Second,
	}
}
