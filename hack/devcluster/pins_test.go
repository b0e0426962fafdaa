package main

import (
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The pins below hold what a running dev cluster was started with. A component whose stamp
// changes is restarted by the next up on every machine; a certificate whose spec changes is
// issued again, which changes every stamp. Change a pin only with a change that means to
// restart (say so in the commit), never to make a refactoring pass.

// defaultLayout is the layout of `make dev-cluster` with no variables set.
func defaultLayout(t *testing.T) Layout {
	t.Helper()
	l, err := layoutFromEnv(DefaultDir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestStampsPinned(t *testing.T) {
	want := map[string]string{
		"containerd":              "9b272da184f2dc7f",
		"etcd":                    "74c907ca86268360",
		"kube-apiserver":          "547b8c0e24cc2daa",
		"kube-controller-manager": "e654999e7ad4e6f8",
		"kube-scheduler":          "fafe1b6871d3dd4e",
		"kubelet":                 "09fcf380c58ac5e7",
		"metrics-server":          "ab2b7321c184aada",
		"kwok":                    "2254ae1915ecfe0b",
		"kueue":                   "b591cf8512538f86",
	}
	got := map[string]string{}
	for _, c := range Components(defaultLayout(t)) {
		got[c.Name] = c.Stamp(nil)
		if want[c.Name] != got[c.Name] {
			t.Logf("%s now runs: %q", c.Name, c.Command())
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stamps (-pinned +now): up would restart these components:\n%s", diff)
	}
}

// certLine says everything of a certificate spec that decides whether a kept certificate
// still fits it.
func certLine(s CertSpec) string {
	return fmt.Sprintf("%s signer=%s cn=%s orgs=%v dns=%v ips=%v server=%v client=%v", s.Name, s.Signer, s.CN, s.Orgs, s.DNS, s.IPs, s.Server, s.Client)
}

func TestCertSpecsPinned(t *testing.T) {
	want := []string{
		"admin signer=ca cn=mlexp-admin orgs=[system:masters] dns=[] ips=[] server=false client=true",
		"apiserver signer=ca cn=kube-apiserver orgs=[] dns=[localhost mlexp-dev kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local] ips=[127.0.0.1 10.217.0.1 10.217.128.1] server=true client=false",
		"apiserver-etcd-client signer=ca cn=kube-apiserver-etcd-client orgs=[] dns=[] ips=[] server=false client=true",
		"apiserver-kubelet-client signer=ca cn=kube-apiserver-kubelet-client orgs=[system:masters] dns=[] ips=[] server=false client=true",
		"controller-manager signer=ca cn=system:kube-controller-manager orgs=[] dns=[] ips=[] server=false client=true",
		"controller-manager-server signer=ca cn=kube-controller-manager orgs=[] dns=[localhost] ips=[127.0.0.1] server=true client=false",
		"etcd-server signer=ca cn=mlexp-etcd orgs=[] dns=[localhost] ips=[127.0.0.1] server=true client=true",
		"front-proxy-client signer=front-proxy-ca cn=front-proxy-client orgs=[] dns=[] ips=[] server=false client=true",
		"kubelet-client signer=ca cn=system:node:mlexp-dev orgs=[system:nodes] dns=[] ips=[] server=false client=true",
		"kubelet-server signer=ca cn=mlexp-dev orgs=[] dns=[mlexp-dev localhost] ips=[10.217.0.1 127.0.0.1] server=true client=false",
		"kueue-client signer=ca cn=mlexp:kueue orgs=[system:masters] dns=[] ips=[] server=false client=true",
		"kueue-server signer=ca cn=kueue orgs=[] dns=[localhost] ips=[127.0.0.1] server=true client=false",
		"kwok-client signer=ca cn=mlexp:kwok orgs=[system:masters] dns=[] ips=[] server=false client=true",
		"kwok-server signer=ca cn=kwok orgs=[] dns=[localhost] ips=[127.0.0.1] server=true client=false",
		"metrics-server signer=ca cn=metrics-server orgs=[] dns=[metrics-server.kube-system.svc metrics-server.kube-system.svc.cluster.local] ips=[10.217.0.1] server=true client=false",
		"metrics-server-client signer=ca cn=mlexp:metrics-server orgs=[] dns=[] ips=[] server=false client=true",
		"scheduler signer=ca cn=system:kube-scheduler orgs=[] dns=[] ips=[] server=false client=true",
		"scheduler-server signer=ca cn=kube-scheduler orgs=[] dns=[localhost] ips=[127.0.0.1] server=true client=false",
	}
	var got []string
	for _, s := range CertSpecs(defaultLayout(t)) {
		got = append(got, certLine(s))
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("certificates (-pinned +now): up would issue these again and restart everything:\n%s", diff)
	}
}

func TestKubeconfigsPinned(t *testing.T) {
	want := map[string]string{
		"/var/lib/mlexp-dev/etc/controller-manager.kubeconfig": "controller-manager",
		"/var/lib/mlexp-dev/etc/kubelet.kubeconfig":            "kubelet-client",
		"/var/lib/mlexp-dev/etc/kueue.kubeconfig":              "kueue-client",
		"/var/lib/mlexp-dev/etc/kwok.kubeconfig":               "kwok-client",
		"/var/lib/mlexp-dev/etc/metrics-server.kubeconfig":     "metrics-server-client",
		"/var/lib/mlexp-dev/etc/scheduler.kubeconfig":          "scheduler",
		"/var/lib/mlexp-dev/kubeconfig":                        "admin",
	}
	if diff := cmp.Diff(want, kubeconfigs(defaultLayout(t))); diff != "" {
		t.Errorf("kubeconfig file -> certificate (-pinned +now):\n%s", diff)
	}
}
