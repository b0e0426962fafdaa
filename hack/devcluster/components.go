package main

import (
	"fmt"
	"time"
)

// Component is one long-running process of the cluster.
type Component struct {
	Name string
	Bin  string
	Args []string
	// StopTimeout is how long to wait after SIGTERM before SIGKILL.
	StopTimeout time.Duration
}

// Command is the full argv of the component.
func (c Component) Command() []string { return append([]string{c.Bin}, c.Args...) }

// Components lists every process the cluster runs, in start order.
func Components(l Layout) []Component {
	p, c := l.pkiFile, l.confFile
	etcdURL := fmt.Sprintf("https://127.0.0.1:%d", EtcdClientPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", EtcdPeerPort)
	return []Component{
		{Name: "containerd", Bin: "/usr/bin/containerd", StopTimeout: 10 * time.Second,
			Args: flags("config", c("containerd.toml"))},
		{Name: "etcd", Bin: l.EtcdBin(), StopTimeout: 10 * time.Second, Args: flags(
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
		)},
		{Name: "kube-apiserver", Bin: l.KubeBin("kube-apiserver"), StopTimeout: 15 * time.Second, Args: flags(
			"advertise-address", NodeIP,
			"bind-address", "127.0.0.1",
			"secure-port", fmt.Sprint(APIServerPort),
			"etcd-servers", etcdURL,
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
		)},
		{Name: "kube-controller-manager", Bin: l.KubeBin("kube-controller-manager"), StopTimeout: 10 * time.Second, Args: flags(
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
			"profiling", "false",
		)},
		{Name: "kube-scheduler", Bin: l.KubeBin("kube-scheduler"), StopTimeout: 10 * time.Second, Args: flags(
			"kubeconfig", c("scheduler.kubeconfig"),
			"authentication-kubeconfig", c("scheduler.kubeconfig"),
			"authorization-kubeconfig", c("scheduler.kubeconfig"),
			"bind-address", "127.0.0.1",
			"secure-port", fmt.Sprint(SchedulerPort),
			"tls-cert-file", p("scheduler-server.crt"),
			"tls-private-key-file", p("scheduler-server.key"),
			"leader-elect", "false",
			"profiling", "false",
		)},
		{Name: "kubelet", Bin: l.KubeBin("kubelet"), StopTimeout: 10 * time.Second, Args: flags(
			"config", c("kubelet.yaml"),
			"kubeconfig", c("kubelet.kubeconfig"),
			"root-dir", l.KubeletDir(),
			"cert-dir", l.join("kubelet", "pki"),
			"node-ip", NodeIP,
			"hostname-override", NodeName,
		)},
		{Name: "metrics-server", Bin: l.MetricsServerBin(), StopTimeout: 10 * time.Second, Args: flags(
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
		)},
	}
}

// component finds a component by name.
func component(l Layout, name string) Component {
	for _, c := range Components(l) {
		if c.Name == name {
			return c
		}
	}
	panic("unknown component " + name)
}
