package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const mountinfoSample = `22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
30 22 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw
31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
32 30 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
40 22 0:40 / /srv/dev/kubelet/pods/a/volumes/kubernetes.io~projected/kube-api-access-x rw - tmpfs tmpfs rw
41 22 0:41 / /srv/dev/containerd/state/io.containerd.grpc.v1.cri/sandboxes/abc/shm rw - tmpfs shm rw
42 22 0:42 / /srv/dev/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs rw - overlay overlay rw
43 22 0:4 net:[4026532] /srv/dev/containerd/state/io.containerd.grpc.v1.cri/netns/cni-1 rw - nsfs nsfs rw
44 22 0:44 / /srv/dev2/x rw - tmpfs tmpfs rw
45 22 0:45 / /srv/dev/with\040space rw - tmpfs tmpfs rw
`

func TestMountsUnder(t *testing.T) {
	got := MountsUnder(ParseMountinfo(mountinfoSample), "/srv/dev")
	// deepest first; at equal depth the latest mount first
	want := []string{
		"/srv/dev/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs",
		"/srv/dev/containerd/state/io.containerd.grpc.v1.cri/sandboxes/abc/shm",
		"/srv/dev/kubelet/pods/a/volumes/kubernetes.io~projected/kube-api-access-x",
		"/srv/dev/containerd/state/io.containerd.grpc.v1.cri/netns/cni-1",
		"/srv/dev/with space",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MountsUnder (-want +got):\n%s", diff)
	}
}

func TestParseMountinfoTypes(t *testing.T) {
	var got []string
	for _, m := range ParseMountinfo(mountinfoSample) {
		if m.FSType == "cgroup" || m.FSType == "cgroup2" {
			got = append(got, m.Point)
		}
	}
	if diff := cmp.Diff([]string{"/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"}, got); diff != "" {
		t.Errorf("cgroup mounts (-want +got):\n%s", diff)
	}
}

func TestIsOurProcess(t *testing.T) {
	l := testLayout()
	tests := []struct {
		name string
		exe  string
		argv []string
		want bool
	}{
		{"our apiserver", l.KubeBin("kube-apiserver"), []string{l.KubeBin("kube-apiserver"), "--x"}, true},
		{"our etcd, binary replaced", "/srv/dev/bin/etcd-v3.6.16/etcd (deleted)", []string{"etcd"}, true},
		{"our containerd", "/usr/bin/containerd", []string{"/usr/bin/containerd", "--config=/srv/dev/etc/containerd.toml"}, true},
		{"system containerd", "/usr/bin/containerd", []string{"/usr/bin/containerd"}, false},
		{"containerd of another state dir", "/usr/bin/containerd", []string{"/usr/bin/containerd", "--config=/srv/dev2/etc/containerd.toml"}, false},
		{"our containerd, more flags", "/usr/bin/containerd", []string{"containerd", "--log-level=debug", "--config=/srv/dev/etc/containerd.toml"}, true},
		{"another binary with our config", "/usr/bin/cat", []string{"cat", "--config=/srv/dev/etc/containerd.toml"}, false},
		{"our shim", "/usr/bin/containerd-shim-runc-v2", []string{"/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", "abc", "-address", "/srv/dev/run/containerd/containerd.sock"}, true},
		{"another shim", "/usr/bin/containerd-shim-runc-v2", []string{"/usr/bin/containerd-shim-runc-v2", "-address", "/run/containerd/containerd.sock"}, false},
		{"other apiserver", "/usr/local/bin/kube-apiserver", []string{"kube-apiserver"}, false},
		{"user's kubectl", l.Kubectl(), []string{"kubectl", "get", "pods", "-w"}, false},
		{"tail of our log", "/usr/bin/tail", []string{"tail", "-f", "/srv/dev/logs/kubelet.log"}, false},
		{"no argv", "/srv/dev/bin/etcd-v3.6.16/etcd", nil, false},
		{"our kwok", "/srv/dev/bin/kwok-v0.8.0/kwok", []string{"kwok"}, true},
		{"apiserver of the other version", "/srv/dev/bin/kubernetes-v1.34.4/kube-apiserver", []string{"kube-apiserver"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsOurProcess(l, Components(l), tt.exe, tt.argv); got != tt.want {
				t.Errorf("IsOurProcess = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestShimSocket(t *testing.T) {
	got := shimSocket("/srv/dev/run/containerd/containerd.sock", "k8s.io", "abc")
	if len(got) != len("/run/containerd/s/")+64 || got[:18] != "/run/containerd/s/" {
		t.Errorf("shimSocket = %s", got)
	}
}

func TestIsOurCNICacheFile(t *testing.T) {
	ids := map[string]bool{"abc123": true}
	tests := []struct {
		name string
		want bool
	}{
		{"mlexp-dev-abc123-eth0", true},
		{"mlexp-dev-zzz-eth0", true},
		{"cni-loopback-abc123-lo", true},
		{"cni-loopback-other-lo", false},
		{"k8s-pod-network-abc123-eth0", false},
	}
	for _, tt := range tests {
		if got := IsOurCNICacheFile(tt.name, ids); got != tt.want {
			t.Errorf("IsOurCNICacheFile(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
