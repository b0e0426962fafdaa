package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// running says every enabled component runs with the wanted stamp.
func running(comps []Component, want map[string]string) map[string]Observed {
	obs := map[string]Observed{}
	for _, c := range comps {
		if c.Enabled {
			obs[c.Name] = Observed{Running: true, Stamp: want[c.Name]}
		}
	}
	return obs
}

func TestDecide(t *testing.T) {
	l := testLayout()
	comps := Components(l)
	want := stamps(l, comps)
	tests := map[string]struct {
		layout  func(*Layout)
		observe func(map[string]Observed)
		start   []string
		restart []string
		stop    []string
		recover bool
	}{
		"everything runs: nothing to do": {},
		"the kubelet died: start only the kubelet": {
			observe: func(o map[string]Observed) { delete(o, "kubelet") },
			start:   []string{"kubelet"},
		},
		"etcd and the API server died: start only those": {
			observe: func(o map[string]Observed) {
				o["etcd"] = Observed{Running: false, Stamp: want["etcd"]}
				delete(o, "kube-apiserver")
			},
			start: []string{"etcd", "kube-apiserver"},
		},
		"nothing runs (a reboot): start everything, recover, keep data": {
			observe: func(o map[string]Observed) {
				for k := range o {
					delete(o, k)
				}
			},
			start:   []string{"containerd", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "metrics-server", "kwok", "kueue"},
			recover: true,
		},
		"the kubelet runs with an older configuration: restart it alone": {
			observe: func(o map[string]Observed) { o["kubelet"] = Observed{Running: true, Stamp: "old"} },
			restart: []string{"kubelet"},
		},
		"a pid file without a stamp (an older tool): restart": {
			observe: func(o map[string]Observed) { o["etcd"] = Observed{Running: true} },
			restart: []string{"etcd"},
		},
		"Kueue turned off while it runs: stop it": {
			layout: func(l *Layout) { l.Kueue = false },
			stop:   []string{"kueue"},
		},
		"KWOK turned on: start it": {
			observe: func(o map[string]Observed) { delete(o, "kwok") },
			start:   []string{"kwok"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			lt := l
			if tt.layout != nil {
				tt.layout(&lt)
			}
			c := Components(lt)
			obs := running(comps, want)
			if tt.observe != nil {
				tt.observe(obs)
			}
			p := Decide(c, stamps(lt, c), obs)
			got := [][]string{p.Names(ActStart), p.Names(ActRestart), p.Names(ActStop)}
			if diff := cmp.Diff([][]string{tt.start, tt.restart, tt.stop}, got); diff != "" {
				t.Errorf("start, restart, stop (-want +got):\n%s", diff)
			}
			if p.Recover != tt.recover {
				t.Errorf("Recover = %v, want %v", p.Recover, tt.recover)
			}
			if idle := tt.start == nil && tt.restart == nil && tt.stop == nil; p.Idle() != idle {
				t.Errorf("Idle = %v, want %v (plan: %s)", p.Idle(), idle, p)
			}
		})
	}
}

// TestRecoverKeepsData: what up removes when nothing runs is what a reboot clears, never
// the data (etcd, PKI, images, kubelet and CNI state); only down removes those.
func TestRecoverKeepsData(t *testing.T) {
	l := testLayout()
	volatile := l.VolatileDirs()
	for _, keep := range []string{l.EtcdDataDir(), l.PKIDir(), l.ContainerdRoot(), l.KubeletDir(), l.ImageDir(), l.BinDir(), l.join("cni"), l.PodLogDir(), l.ConfDir()} {
		for _, v := range volatile {
			if under(keep, v) {
				t.Errorf("recovery would remove %s (volatile %s)", keep, v)
			}
		}
	}
	down := strings.Join(l.RuntimeDirs(), " ")
	for _, p := range []string{l.EtcdDataDir(), l.PKIDir(), l.join("containerd")} {
		if !strings.Contains(down, p) {
			t.Errorf("down does not remove %s", p)
		}
	}
}

func TestStampChangesWithEntry(t *testing.T) {
	l := testLayout()
	c := mustComponent(t, l, "kubelet")
	base := c.Stamp([]byte("ca"))
	if c.Stamp([]byte("ca")) != base {
		t.Fatal("stamp is not stable")
	}
	changed := map[string]Component{}
	args := c
	args.Args = append(append([]string{}, c.Args...), "--v=2")
	changed["args"] = args
	files := c
	files.Files = map[string]string{l.confFile("kubelet.yaml"): "other"}
	changed["files"] = files
	bin := c
	bin.Bin = "/other/kubelet"
	changed["bin"] = bin
	for what, cc := range changed {
		if cc.Stamp([]byte("ca")) == base {
			t.Errorf("stamp does not change with the %s", what)
		}
	}
	if c.Stamp([]byte("other ca")) == base {
		t.Error("stamp does not change with the PKI")
	}
}

func TestLayoutFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	l, err := layoutFromEnv("/d", env())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Layout{Dir: "/d", KubeVersion: DefaultKubeVersion, Kwok: true, KwokNodes: DefaultKwokNodes, Kueue: true}, l); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	l, err = layoutFromEnv("/d", env("KUBE_VERSION", SkewKubeVersion, "MLEXP_KUEUE", "0", "KWOK_NODES", "50", "MLEXP_KWOK", "1"))
	if err != nil {
		t.Fatal(err)
	}
	if l.KubeVersion != SkewKubeVersion || l.Kueue || !l.Kwok || l.KwokNodes != 50 {
		t.Errorf("layout = %+v", l)
	}
	if l.KubeBinDir() != "/d/bin/kubernetes-"+SkewKubeVersion {
		t.Errorf("KubeBinDir = %s", l.KubeBinDir())
	}
	for _, bad := range [][]string{
		{"KUBE_VERSION", "1.34.4"}, {"KUBE_VERSION", "v1.20.0"}, {"KWOK_NODES", "-1"}, {"KWOK_NODES", "many"}, {"MLEXP_KUEUE", "yes"},
	} {
		if _, err := layoutFromEnv("/d", env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: err = %v, want one naming %s", bad[0], bad[1], err, bad[0])
		}
	}
}

func TestBuilds(t *testing.T) {
	l := testLayout()
	var keys []string
	for _, b := range Builds(l) {
		keys = append(keys, b.Key)
	}
	want := []string{"pause", "etcd-" + EtcdVersion, "kubernetes-" + DefaultKubeVersion, "metrics-server-" + MetricsServerVersion, "kwok-" + KwokVersion, "kueue-" + KueueVersion}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("builds (-want +got):\n%s", diff)
	}
	l.Kueue, l.Kwok = false, false
	if n := len(Builds(l)); n != 4 {
		t.Errorf("with kwok and kueue off: %d builds, want 4", n)
	}
	keep := keptCaches(testLayout())
	for _, k := range []string{"kubernetes-" + SkewKubeVersion, "kubernetes-" + DefaultKubeVersion, "kueue-" + KueueVersion, "pause"} {
		if !keep[k] {
			t.Errorf("pruneCache would remove %s", k)
		}
	}
}

func TestRenderBuildMod(t *testing.T) {
	got := renderBuildMod(*kwokBuild())
	for _, want := range []string{"module mlexp.local/build/kwok-v0.8.0", "require sigs.k8s.io/kwok v0.8.0", "tool (\n\tsigs.k8s.io/kwok/cmd/kwok\n)"} {
		if !strings.Contains(got, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(renderBuildMod(pauseBuild()), "require") {
		t.Error("pause's go.mod requires a module")
	}
}

func TestParseWait(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want time.Duration
		ok   bool
	}{
		{nil, 0, true},
		{[]string{"--wait", "3m"}, 3 * time.Minute, true},
		{[]string{"--wait"}, 0, false},
		{[]string{"--wait", "soon"}, 0, false},
		{[]string{"--wait", "-1s"}, 0, false},
		{[]string{"--kill"}, 0, false},
	} {
		got, err := parseWait(tc.args)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseWait(%q) = %v, %v; want %v, ok=%v", tc.args, got, err, tc.want, tc.ok)
		}
	}
}
