package main

import (
	"strings"
	"testing"
)

func TestRenderKwokNodes(t *testing.T) {
	got := RenderKwokNodes(3)
	if n := strings.Count(got, "kind: Node\n"); n != 3 {
		t.Errorf("%d nodes, want 3", n)
	}
	for _, want := range []string{
		"name: kwok-node-0", "name: kwok-node-2", "kwok.x-k8s.io/node: fake", "type: kwok",
		"{key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}",
		`cpu: "32"`, "memory: 256Gi", `pods: "110"`,
		"metrics.k8s.io/resource-metrics-path: /metrics/nodes/kwok-node-1/metrics/resource",
		"{type: InternalIP, address: 127.0.0.1}", "{type: Hostname, address: kwok-node-2}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("nodes lack %q", want)
		}
	}
	if RenderKwokNodes(0) != "" {
		t.Error("0 nodes render something")
	}
}

func TestRenderKwokConfig(t *testing.T) {
	got := RenderKwokConfig(testLayout())
	for _, want := range []string{
		"name: mlexp-pod-complete", "operator: NotIn, values: [oomkilled, failed]",
		"name: mlexp-pod-oomkilled", "exitCode: 137", "reason: OOMKilled",
		"name: mlexp-pod-failed", "exitCode: 1\n", "reason: Error",
		"phase: Succeeded", "phase: Failed",
		`expressionFrom: '.metadata.annotations["pod-complete.stage.kwok.x-k8s.io/delay"]'`,
		"durationMilliseconds: 1500",
		"kind: ClusterLogs", "logsFile: /srv/dev/etc/kwok-trainer.log", "follow: false",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("kwok config lacks %q", want)
		}
	}
	if strings.Contains(got, "%!") || strings.Contains(got, "\t") {
		t.Errorf("bad formatting in kwok config:\n%s", got)
	}
	for _, line := range strings.Split(strings.TrimSpace(KwokTrainerLog), "\n") {
		if f := strings.SplitN(line, " ", 4); len(f) != 4 || f[1] != "stdout" || f[2] != "F" {
			t.Errorf("not a CRI log line: %q", line)
		}
	}
}

func TestKwokArgs(t *testing.T) {
	l := testLayout()
	c := mustComponent(t, l, "kwok")
	more := l
	more.KwokNodes = 50
	if mustComponent(t, more, "kwok").Stamp(nil) == c.Stamp(nil) {
		t.Error("KWOK_NODES does not change kwok's stamp: up would not create the new nodes")
	}
	for _, want := range []string{
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--server-address=127.0.0.1:20350", "--node-ip=127.0.0.1", "--node-lease-duration-seconds=20",
	} {
		if !contains(c.Args, want) {
			t.Errorf("kwok lacks %s", want)
		}
	}
	for _, a := range c.Args {
		if strings.Contains(a, "manage-all-nodes") {
			t.Error("kwok must never manage all nodes (it would take over the real one)")
		}
		if v, ok := strings.CutPrefix(a, "--config="); ok && len(strings.Split(v, ",")) != 1+len(kwokUpstreamConfig) {
			t.Errorf("kwok --config = %s", v)
		}
	}
}

func TestRenderKueue(t *testing.T) {
	cfg := RenderKueueConfig(testLayout())
	for _, want := range []string{
		"apiVersion: config.kueue.x-k8s.io/v1beta2", "leaderElect: false", "enable: false",
		"VisibilityOnDemand: false", "- batch/job", "healthProbeBindAddress: 127.0.0.1:28081",
		"bindAddress: 127.0.0.1:28443", "host: 127.0.0.1", "certDir: /srv/dev/etc/kueue-certs",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("kueue config lacks %q", want)
		}
	}
	q := RenderKueueQueues()
	for _, want := range []string{
		"kind: ResourceFlavor", "name: default-flavor", "kind: ClusterQueue", "name: mlexp-cq",
		`{name: cpu, nominalQuota: "1"}`, "{name: memory, nominalQuota: 2Gi}", "kind: LocalQueue",
		"name: mlexp\n  namespace: default", "clusterQueue: mlexp-cq", "kueue.x-k8s.io/v1beta2",
	} {
		if !strings.Contains(q, want) {
			t.Errorf("kueue queues lack %q", want)
		}
	}
	c := mustComponent(t, testLayout(), "kueue")
	if len(c.HostPaths) != 1 || c.HostPaths[0] != "/etc/kueue" {
		t.Errorf("kueue HostPaths = %v: down must remove /etc/kueue", c.HostPaths)
	}
}
