package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jobsetComponent is what the next component (JobSet's controller, as a host process) would
// look like: one constructor, one entry in registry, and nothing else to edit.
func jobsetComponent(l Layout) Component {
	b := &Build{Key: "jobset-v0.9.0", Module: "sigs.k8s.io/jobset", Version: "v0.9.0",
		Pkgs: []string{"sigs.k8s.io/jobset/cmd/jobset"}, Outputs: []string{"jobset"}}
	kc := apiClient(l, "jobset", "jobset-client", "mlexp:jobset", "system:masters")
	serving := loopbackServing("jobset-server", "jobset")
	return Component{
		Name: "jobset", Enabled: true, Version: b.Version, Build: b, Bin: filepath.Join(b.Dir(l), "jobset"),
		Args: flags(
			"kubeconfig", kc.Path,
			"cert-dir", l.pkiFile(""),
			"cert-name", serving.Name,
		),
		Files:         map[string]string{l.confFile("jobset.yaml"): "kind: Configuration\n"},
		Certs:         []CertSpec{serving},
		Kubeconfig:    kc,
		Health:        adminHealthz(29999),
		HealthTimeout: time.Minute,
		Summary:       "JobSet v0.9.0 (jobsets.jobset.x-k8s.io)",
		Status:        func(*Env) (string, bool) { return "jobsets.jobset.x-k8s.io: served", true },
		HostPaths:     []string{"/etc/jobset"},
		StopPhase:     4, StopTimeout: 10 * time.Second,
	}
}

// registerComponent adds a component to the table for the test's duration.
func registerComponent(t *testing.T, newComponent func(Layout) Component) {
	t.Helper()
	saved := registry
	registry = append(slices.Clip(registry), newComponent)
	t.Cleanup(func() { registry = saved })
}

// TestOneEntryReachesEveryPart registers one more component in registry and nowhere else,
// and checks that every part of the tool picks it up: its build, certificates, kubeconfig,
// the plan, the status table, version, status line and summary, the help, the fault hooks,
// the stop order, process recognition and the host paths down removes.
func TestOneEntryReachesEveryPart(t *testing.T) {
	registerComponent(t, jobsetComponent)
	l := testLayout()
	l.Dir = t.TempDir()
	js := mustComponent(t, l, "jobset")

	t.Run("build", func(t *testing.T) {
		if !slices.ContainsFunc(Builds(l), func(b Build) bool { return b.Key == "jobset-v0.9.0" }) {
			t.Error("Builds lacks jobset's")
		}
	})
	t.Run("certificates and kubeconfig", func(t *testing.T) {
		if err := writeConfigs(l); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"jobset-server.crt", "jobset-server.key", "jobset-client.crt", "jobset-client.key"} {
			if _, err := os.Stat(l.pkiFile(f)); err != nil {
				t.Errorf("PKI: %v", err)
			}
		}
		data, err := os.ReadFile(l.confFile("jobset.kubeconfig"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "- name: jobset-client\n") {
			t.Errorf("etc/jobset.kubeconfig does not present jobset-client:\n%s", data)
		}
		cert, err := LoadCert(l.pkiFile("jobset-server.crt"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"localhost"}, cert.DNSNames); diff != "" || cert.Subject.CommonName != "jobset" {
			t.Errorf("jobset-server.crt: CN %s, DNS (-want +got):\n%s", cert.Subject.CommonName, diff)
		}
	})
	t.Run("plan", func(t *testing.T) {
		comps := Components(l)
		want := stamps(l, comps)
		obs := running(comps, want)
		delete(obs, "jobset")
		if got := Decide(comps, want, obs).Names(ActStart); !cmp.Equal(got, []string{"jobset"}) {
			t.Errorf("up starts %v, want [jobset]", got)
		}
	})
	t.Run("status", func(t *testing.T) {
		if v := versions(l, Components(l)); !strings.HasSuffix(v, ", kueue v0.17.0, jobset v0.9.0") {
			t.Errorf("status's versions = %q, want jobset's last", v)
		}
		var b bytes.Buffer
		if processTable(l, Components(l), &b) {
			t.Error("the process table says all runs")
		}
		if row := "\njobset                   -    stopped  -    " + l.Log("jobset") + "\n"; !strings.Contains(b.String(), row) {
			t.Errorf("the process table lacks %q:\n%s", row, b.String())
		}
		b.Reset()
		e := &Env{L: l, Admin: &client{http: &http.Client{Transport: roundTrip{}}}}
		componentChecks(e, Components(l), &b)
		if !strings.HasSuffix(b.String(), "\njobsets.jobset.x-k8s.io: served\n") {
			t.Errorf("status checks lack jobset's line:\n%s", b.String())
		}
		b.Reset()
		printUsage(&b, l)
		if !strings.Contains(b.String(), "also: JobSet v0.9.0 (jobsets.jobset.x-k8s.io)\n") {
			t.Errorf("up's summary lacks jobset's:\n%s", b.String())
		}
	})
	t.Run("help and fault hooks", func(t *testing.T) {
		if !strings.Contains(usage(), ", kueue, jobset\n") {
			t.Errorf("the help does not name jobset:\n%s", usage())
		}
		for _, cmd := range []string{"stop", "start", "restart"} {
			if c, _, err := parseLifecycleArgs(l, cmd, []string{"jobset"}); err != nil || c.Name != "jobset" {
				t.Errorf("%s jobset: %v", cmd, err)
			}
		}
	})
	t.Run("stop order and cleanup", func(t *testing.T) {
		phases := stopPhases(Components(l), []string{"jobset", "kueue", "etcd"})
		var got [][]string
		for _, p := range phases {
			var names []string
			for _, c := range p {
				names = append(names, c.Name)
			}
			got = append(got, names)
		}
		if diff := cmp.Diff([][]string{{"kueue", "jobset"}, {"etcd"}}, got); diff != "" {
			t.Errorf("stop phases (-want +got):\n%s", diff)
		}
		if !IsOurProcess(l, Components(l), js.Bin, js.Command()) {
			t.Error("a jobset process is not recognised as the cluster's")
		}
		if !slices.Contains(componentHostPaths(Components(l)), "/etc/jobset") {
			t.Error("down does not remove jobset's host path")
		}
	})
}

// roundTrip answers a client's requests from a map of path -> JSON body (404 otherwise).
type roundTrip map[string]string

func (rt roundTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	path := r.URL.Path
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	body, ok := rt[path]
	code := http.StatusOK
	if !ok {
		code, body = http.StatusNotFound, "not found"
	}
	return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// TestComponentStatusLines: the lines status prints for the node, metrics.k8s.io and the
// fake nodes, and whether each counts as well.
func TestComponentStatusLines(t *testing.T) {
	node := func(name, ready string) string {
		return fmt.Sprintf(`{"metadata":{"name":%q},"status":{"conditions":[{"type":"Ready","status":%q,"reason":"KubeletReady"}],
			"addresses":[{"type":"InternalIP","address":"10.217.0.1"}],"allocatable":{"cpu":"2","memory":"24000Mi"},
			"nodeInfo":{"kubeletVersion":"v1.37.2"}}}`, name, ready)
	}
	up := roundTrip{
		"/api/v1/nodes/mlexp-dev":                      node("mlexp-dev", "True"),
		"/apis/metrics.k8s.io/v1beta1/nodes/mlexp-dev": `{}`,
		"/api/v1/nodes?labelSelector=type%3Dkwok":      `{"items":[` + node("kwok-node-0", "True") + "," + node("kwok-node-1", "True") + `]}`,
	}
	degraded := roundTrip{
		"/api/v1/nodes/mlexp-dev":                 node("mlexp-dev", "False"),
		"/api/v1/nodes?labelSelector=type%3Dkwok": up["/api/v1/nodes?labelSelector=type%3Dkwok"],
	}
	fakeNodeDown := roundTrip{
		"/api/v1/nodes/mlexp-dev":                      up["/api/v1/nodes/mlexp-dev"],
		"/apis/metrics.k8s.io/v1beta1/nodes/mlexp-dev": `{}`,
		"/api/v1/nodes?labelSelector=type%3Dkwok":      `{"items":[` + node("kwok-node-0", "True") + "," + node("kwok-node-1", "False") + `]}`,
	}
	l := testLayout()
	l.KwokNodes = 2
	tests := map[string]struct {
		rt   roundTrip
		want string
		ok   bool
	}{
		"all up": {up, `node mlexp-dev: Ready, address 10.217.0.1, allocatable cpu 2 memory 24000Mi, kubelet v1.37.2
metrics.k8s.io: serving
fake nodes (type=kwok): 2 of 2 Ready, KWOK_NODES=2
`, true},
		"node NotReady, no metrics": {degraded, `node mlexp-dev: NotReady (KubeletReady)
metrics.k8s.io: not serving (metrics.k8s.io: 404 not found)
fake nodes (type=kwok): 2 of 2 Ready, KWOK_NODES=2
`, false},
		"a fake node NotReady": {fakeNodeDown, `node mlexp-dev: Ready, address 10.217.0.1, allocatable cpu 2 memory 24000Mi, kubelet v1.37.2
metrics.k8s.io: serving
fake nodes (type=kwok): 1 of 2 Ready, KWOK_NODES=2
`, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := &Env{L: l, Admin: &client{http: &http.Client{Transport: tt.rt}}}
			var b bytes.Buffer
			ok := componentChecks(e, Components(l), &b)
			if diff := cmp.Diff(tt.want, b.String()); diff != "" || ok != tt.ok {
				t.Errorf("ok = %v, want %v; lines (-want +got):\n%s", ok, tt.ok, diff)
			}
		})
	}
}
