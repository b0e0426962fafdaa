package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testLayout() Layout {
	return Layout{Dir: "/srv/dev", KubeVersion: DefaultKubeVersion, Kwok: true, KwokNodes: 4, Kueue: true}
}

// mustComponent finds a component by name or fails the test.
func mustComponent(t *testing.T, l Layout, name string) Component {
	t.Helper()
	c, ok := component(l, name)
	if !ok {
		t.Fatalf("no component %q", name)
	}
	return c
}

func TestRenderContainerdConfig(t *testing.T) {
	got := RenderContainerdConfig(testLayout())
	for _, want := range []string{
		`root = "/srv/dev/containerd/root"`,
		`state = "/srv/dev/containerd/state"`,
		`address = "/srv/dev/run/containerd/containerd.sock"`,
		`restrict_oom_score_adj = true`,
		`netns_mounts_under_state_dir = true`,
		`sandbox_image = "localhost/mlexp/pause:dev"`,
		`conf_dir = "/srv/dev/cni/net.d"`,
		`Root = "/srv/dev/run/runc"`,
		`SystemdCgroup = false`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("containerd config lacks %s", want)
		}
	}
}

func TestRenderCNIConfig(t *testing.T) {
	var conf struct {
		Name    string
		Plugins []map[string]any
	}
	if err := json.Unmarshal([]byte(RenderCNIConfig(testLayout())), &conf); err != nil {
		t.Fatal(err)
	}
	bridge := conf.Plugins[0]
	got := map[string]any{
		"name": conf.Name, "type": bridge["type"], "bridge": bridge["bridge"],
		"isGateway": bridge["isGateway"], "ipMasq": bridge["ipMasq"],
		"ipam": bridge["ipam"], "second": conf.Plugins[1]["type"],
	}
	want := map[string]any{
		"name": "mlexp-dev", "type": "bridge", "bridge": "mlexp-cni0", "isGateway": false, "ipMasq": false,
		"ipam": map[string]any{"type": "host-local", "dataDir": "/srv/dev/cni/data/ipam",
			"ranges": []any{[]any{map[string]any{"subnet": PodCIDR, "gateway": PodGateway}}},
			"routes": []any{map[string]any{"dst": ServiceCIDR, "gw": PodGateway}}},
		"second": "loopback",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CNI config (-want +got):\n%s", diff)
	}
	if !strings.Contains(CNIBridge, "mlexp") || !strings.Contains(NodeLink, "mlexp") {
		t.Error("every link the tool creates must have mlexp in its name")
	}
}

func TestRenderKubeletConfig(t *testing.T) {
	got := RenderKubeletConfig(testLayout())
	for _, want := range []string{
		"address: " + NodeIP, "port: 20250", "readOnlyPort: 0", "cgroupDriver: cgroupfs", "cgroupRoot: /mlexp-dev",
		"failCgroupV1: false", "failSwapOn: false", `resolvConf: ""`,
		"containerRuntimeEndpoint: unix:///srv/dev/run/containerd/containerd.sock",
		"imageGCHighThresholdPercent: 100", "imageGCLowThresholdPercent: 99",
		`nodefs.available: "1%"`, "clusterDNS: [10.217.128.10]", "podLogsDir: /srv/dev/pod-logs", "makeIPTablesUtilChains: false",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("kubelet config lacks %q", want)
		}
	}
	for _, bad := range []string{"systemReserved", "kubeReserved", "%!"} {
		if strings.Contains(got, bad) {
			t.Errorf("kubelet config has %q", bad)
		}
	}
}

func TestRenderKubeconfig(t *testing.T) {
	got := RenderKubeconfig("https://127.0.0.1:16443", "admin", []byte("CA"), []byte("CERT"), []byte("KEY"))
	b64 := base64.StdEncoding.EncodeToString
	for _, want := range []string{
		"server: https://127.0.0.1:16443",
		"certificate-authority-data: " + b64([]byte("CA")),
		"client-certificate-data: " + b64([]byte("CERT")),
		"client-key-data: " + b64([]byte("KEY")),
		"current-context: mlexp-dev",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("kubeconfig lacks %q", want)
		}
	}
}

func TestRenderMetricsServerManifests(t *testing.T) {
	got := RenderMetricsServerManifests([]byte("CA"))
	docs := strings.Split(got, "\n---\n")
	var kinds []string
	for _, d := range docs {
		for _, line := range strings.Split(d, "\n") {
			if strings.HasPrefix(line, "kind: ") {
				kinds = append(kinds, strings.TrimPrefix(line, "kind: "))
			}
		}
	}
	want := []string{"ClusterRole", "ClusterRoleBinding", "ClusterRoleBinding", "RoleBinding", "Service", "Endpoints", "APIService"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	for _, s := range []string{"ip: " + NodeIP, "port: 24443", "caBundle: " + base64.StdEncoding.EncodeToString([]byte("CA")), `name: "mlexp:metrics-server"`} {
		if !strings.Contains(got, s) {
			t.Errorf("manifests lack %q", s)
		}
	}
}

func TestComponents(t *testing.T) {
	l := testLayout()
	var names []string
	for _, c := range Components(l) {
		names = append(names, c.Name)
		for _, a := range c.Args {
			if strings.Contains(a, "0.0.0.0") || strings.Contains(a, "%!") {
				t.Errorf("%s: bad arg %q", c.Name, a)
			}
		}
	}
	want := []string{"containerd", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "metrics-server", "kwok", "kueue"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	api := mustComponent(t, l, "kube-apiserver").Args
	for _, f := range []string{"advertise-address=" + NodeIP, "bind-address=127.0.0.1", "secure-port=16443",
		"authorization-mode=Node,RBAC", "enable-aggregator-routing=true", "kubelet-preferred-address-types=InternalIP,Hostname"} {
		if !contains(api, "--"+f) {
			t.Errorf("kube-apiserver lacks --%s", f)
		}
	}
	if !contains(mustComponent(t, l, "metrics-server").Args, "--metric-resolution=10s") {
		t.Error("metrics-server lacks a short resolution")
	}
	if !hasFlag(mustComponent(t, l, "kube-controller-manager").Args, "service-account-private-key-file") {
		t.Error("controller-manager lacks the service account key")
	}
	if !contains(mustComponent(t, l, "kube-controller-manager").Args, "--node-monitor-grace-period=20s") {
		t.Error("controller-manager lacks a short node monitor grace period")
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestStampsFollowTheLayout: each choice of the environment reaches the stamps of the
// components it concerns, and only those, so up restarts exactly what a change concerns.
func TestStampsFollowTheLayout(t *testing.T) {
	stampsOf := func(l Layout) map[string]string {
		out := map[string]string{}
		for _, c := range Enabled(l) {
			out[c.Name] = c.Stamp(nil)
		}
		return out
	}
	base := stampsOf(testLayout())
	var all []string
	for _, c := range Components(testLayout()) {
		all = append(all, c.Name)
	}
	tests := map[string]struct {
		change  func(*Layout)
		changed []string
	}{
		"MLEXP_DEV_DIR": {func(l *Layout) { l.Dir = "/other" }, all},
		"KWOK_NODES":    {func(l *Layout) { l.KwokNodes = 2 }, []string{"kwok"}},
		"MLEXP_KUEUE":   {func(l *Layout) { l.Kueue = false }, []string{"kueue"}},
		"KUBE_VERSION": {func(l *Layout) { l.KubeVersion = SkewKubeVersion },
			[]string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			l := testLayout()
			tt.change(&l)
			got := stampsOf(l)
			var changed []string
			for _, n := range all {
				if got[n] != base[n] {
					changed = append(changed, n)
				}
			}
			if diff := cmp.Diff(tt.changed, changed); diff != "" {
				t.Errorf("components whose stamp changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServiceNATRulesSendTheKubernetesServiceToTheAPIServer(t *testing.T) {
	got := strings.Join(ServiceNATRules()[0], " ")
	want := "-d 10.217.128.1/32 -p tcp --dport 443 -j DNAT --to-destination 127.0.0.1:16443"
	if got != want {
		t.Errorf("service rule = %q, want %q", got, want)
	}
	if !strings.HasPrefix(podGatewayPrefix(), PodGateway+"/20") {
		t.Errorf("gateway prefix %q", podGatewayPrefix())
	}
}
