package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// KWOK: simulated nodes and pods, for experiments at scale next to the real node.

const (
	// KwokNodeAnnotation marks the nodes the kwok controller manages (KWOK's convention); it
	// never touches another node.
	KwokNodeAnnotation = "kwok.x-k8s.io/node"
	// KwokTaintKey taints every fake node NoSchedule: only pods tolerating it land there.
	KwokTaintKey = "kwok.x-k8s.io/node"
	// KwokNodeLabel (type=kwok) selects the fake nodes.
	KwokNodeLabel = "type=kwok"
	// KwokNodePrefix names the fake nodes kwok-node-0..N-1.
	KwokNodePrefix = "kwok-node-"
	// SimOutcomeLabel on a pod makes its simulated run end otherwise than Succeeded:
	// "oomkilled" (container terminated OOMKilled, exit 137) or "failed" (Error, exit 1).
	SimOutcomeLabel = "mlexp.dev/sim-outcome"
	// SimDurationAnnotation is KWOK's own annotation for the delay from Running to the end
	// (a Go duration such as "30s"); default KwokDefaultRun.
	SimDurationAnnotation = "pod-complete.stage.kwok.x-k8s.io/delay"
	// KwokDefaultRun is how long a simulated pod runs when it does not say.
	KwokDefaultRun = 1500 * time.Millisecond
	// KwokPodCIDR is where fake pods' addresses come from (nothing answers there).
	KwokPodCIDR = "10.217.96.0/20"
)

// Fake node capacity.
const (
	KwokNodeCPU    = "32"
	KwokNodeMemory = "256Gi"
	KwokNodePods   = "110"
)

// kwokUpstreamConfig are the stages and metrics of the KWOK module used as they are, copied
// from the module at build time (v0.8.0 has no built-in stages: without them it refuses to start).
var kwokUpstreamConfig = map[string]string{
	"kustomize/stage/node/fast/node-initialize.yaml":                           "config/node-initialize.yaml",
	"kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml": "config/node-heartbeat-with-lease.yaml",
	"kustomize/stage/pod/fast/pod-ready.yaml":                                  "config/pod-ready.yaml",
	"kustomize/stage/pod/fast/pod-delete.yaml":                                 "config/pod-delete.yaml",
	"kustomize/metrics/resource/metrics-resource.yaml":                         "config/metrics-resource.yaml",
	"kustomize/metrics/usage/usage-from-annotation.yaml":                       "config/usage-from-annotation.yaml",
}

func kwokBuild() *Build {
	return &Build{Key: "kwok-" + KwokVersion, Module: "sigs.k8s.io/kwok", Version: KwokVersion,
		Pkgs: []string{"sigs.k8s.io/kwok/cmd/kwok"}, Outputs: []string{"kwok"}, LDFlags: "-s -w",
		Files: kwokUpstreamConfig}
}

func kwokComponent(l Layout) Component {
	b := kwokBuild()
	p := l.pkiFile
	kc := apiClient(l, "kwok", "kwok-client", "mlexp:kwok", "system:masters")
	serving := loopbackServing("kwok-server", "kwok")
	configs := []string{l.confFile("kwok.yaml")}
	for _, dst := range sortedValues(kwokUpstreamConfig) {
		configs = append(configs, filepath.Join(b.Dir(l), dst))
	}
	server := joinHostPort("127.0.0.1", KwokPort)
	return Component{
		Name: "kwok", Enabled: l.Kwok, Version: KwokVersion, Build: b, Bin: filepath.Join(b.Dir(l), "kwok"),
		Args: flags(
			"kubeconfig", kc.Path,
			"config", strings.Join(configs, ","),
			"manage-nodes-with-annotation-selector", KwokNodeAnnotation+"=fake",
			"server-address", server,
			"node-ip", "127.0.0.1",
			"node-port", fmt.Sprint(KwokPort),
			"cidr", KwokPodCIDR,
			"tls-cert-file", p(serving.Name+".crt"),
			"tls-private-key-file", p(serving.Name+".key"),
			"node-lease-duration-seconds", fmt.Sprint(KubeletLeaseSeconds),
		),
		Files: map[string]string{
			l.confFile("kwok.yaml"):        RenderKwokConfig(l),
			l.confFile("kwok-trainer.log"): KwokTrainerLog,
			l.confFile("kwok-nodes.yaml"):  RenderKwokNodes(l.KwokNodes),
		},
		Certs:         []CertSpec{serving},
		Kubeconfig:    kc,
		Health:        adminHealthz(KwokPort),
		HealthTimeout: time.Minute,
		PostStart:     ensureKwokNodes,
		Summary: fmt.Sprintf("%d fake nodes %s0.. (label %s, taint %s=fake:NoSchedule)",
			l.KwokNodes, KwokNodePrefix, KwokNodeLabel, KwokTaintKey),
		Status:    kwokStatus,
		StopPhase: 4, StopTimeout: 10 * time.Second,
	}
}

// kwokStatus counts the fake nodes that are Ready: all is well when KwokNodes are.
func kwokStatus(e *Env) (string, bool) {
	ready, total, err := e.Admin.readyNodes(KwokNodeLabel)
	if err != nil {
		return fmt.Sprintf("fake nodes: %v", err), false
	}
	return fmt.Sprintf("fake nodes (%s): %d of %d Ready, KWOK_NODES=%d", KwokNodeLabel, ready, total, e.L.KwokNodes), ready >= e.L.KwokNodes
}

// ensureKwokNodes creates the fake nodes, deletes fake nodes beyond KwokNodes and waits
// until every fake node is Ready.
func ensureKwokNodes(e *Env) error {
	if e.L.KwokNodes > 0 {
		if _, err := kubectl(e.L, "", "apply", "-f", e.L.confFile("kwok-nodes.yaml")); err != nil {
			return err
		}
	}
	out, err := kubectl(e.L, "", "get", "nodes", "-l", KwokNodeLabel, "-o", "name")
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for i := 0; i < e.L.KwokNodes; i++ {
		want[fmt.Sprintf("node/%s%d", KwokNodePrefix, i)] = true
	}
	var extra []string
	for _, n := range strings.Fields(out) {
		if !want[n] {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		progress("deleting %d fake nodes beyond KWOK_NODES=%d", len(extra), e.L.KwokNodes)
		if _, err := kubectl(e.L, "", append([]string{"delete", "--wait=false"}, extra...)...); err != nil {
			return err
		}
	}
	if e.L.KwokNodes == 0 {
		return nil
	}
	last := fmt.Sprintf("%s%d", KwokNodePrefix, e.L.KwokNodes-1)
	return waitFor(e.L, "fake node "+last+" Ready", "kwok", time.Minute, func() error { return nodeReady(e, last) })
}

// RenderKwokNodes renders n fake nodes: annotated for kwok, labelled type=kwok, tainted
// NoSchedule, with a stated capacity, and pointing metrics-server at kwok's metrics path.
// Both addresses are given: with only kwok's InternalIP, its node-initialize stage (run again
// whenever a node is not Ready) would toggle the node's addresses between [InternalIP] and
// none, and `kubectl logs` of its pods would fail ("no preferred addresses found").
func RenderKwokNodes(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s%d", KwokNodePrefix, i)
		fmt.Fprintf(&b, `---
apiVersion: v1
kind: Node
metadata:
  name: %[1]s
  annotations:
    %[2]s: fake
    node.alpha.kubernetes.io/ttl: "0"
    metrics.k8s.io/resource-metrics-path: /metrics/nodes/%[1]s/metrics/resource
  labels:
    type: kwok
    kubernetes.io/hostname: %[1]s
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    app.kubernetes.io/managed-by: mlexp-devcluster
spec:
  taints:
  - {key: %[3]s, value: fake, effect: NoSchedule}
status:
  addresses:
  - {type: InternalIP, address: 127.0.0.1}
  - {type: Hostname, address: %[1]s}
  allocatable: {cpu: %[4]q, memory: %[5]s, pods: %[6]q}
  capacity: {cpu: %[4]q, memory: %[5]s, pods: %[6]q}
`, name, KwokNodeAnnotation, KwokTaintKey, KwokNodeCPU, KwokNodeMemory, KwokNodePods)
	}
	return b.String()
}

// KwokTrainerLog is what `kubectl logs` returns for every container of a fake pod: CRI log
// format, a trainer's epoch lines and both metric styles the plugin parses.
const KwokTrainerLog = `2026-01-01T00:00:00.000000000Z stdout F simulated trainer on a KWOK node
2026-01-01T00:00:01.000000000Z stdout F Epoch 1/3 - loss: 0.6931 - accuracy: 0.7500
2026-01-01T00:00:02.000000000Z stdout F Epoch 2/3 - loss: 0.4055 - accuracy: 0.8500
2026-01-01T00:00:03.000000000Z stdout F Epoch 3/3 - loss: 0.2877 - accuracy: 0.9000
2026-01-01T00:00:04.000000000Z stdout F Validation-accuracy=0.9
2026-01-01T00:00:04.500000000Z stdout F Test accuracy: 0.9
`

// kwokEnd renders a stage that ends a running pod of a Job: phase, and each container
// terminated with reason and exit code. selector is extra match expressions (YAML list items).
func kwokEnd(name, selector, phase, reason string, exitCode int) string {
	return fmt.Sprintf(`---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: %s
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.status.phase', operator: In, values: [Running]}
    - {key: '.metadata.ownerReferences.[].kind', operator: In, values: [Job]}
%s  delay:
    durationMilliseconds: %d
    durationFrom:
      expressionFrom: '.metadata.annotations["%s"]'
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: %d
            finishedAt: {{ $now | Quote }}
            reason: %s
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: %s
`, name, selector, KwokDefaultRun.Milliseconds(), SimDurationAnnotation, exitCode, reason, phase)
}

// RenderKwokConfig renders the project's own stages (a Job's pod ends Succeeded, or
// OOMKilled / Failed when labelled so) and the logs every fake container serves.
func RenderKwokConfig(l Layout) string {
	outcome := func(op, values string) string {
		return fmt.Sprintf("    - {key: '.metadata.labels[\"%s\"]', operator: %s, values: [%s]}\n", SimOutcomeLabel, op, values)
	}
	return "# Generated by hack/devcluster; do not edit.\n" +
		kwokEnd("mlexp-pod-complete", outcome("NotIn", "oomkilled, failed"), "Succeeded", "Completed", 0) +
		kwokEnd("mlexp-pod-oomkilled", outcome("In", "oomkilled"), "Failed", "OOMKilled", 137) +
		kwokEnd("mlexp-pod-failed", outcome("In", "failed"), "Failed", "Error", 1) +
		fmt.Sprintf(`---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: mlexp-trainer-logs
spec:
  logs:
  - logsFile: %s
    follow: false
`, l.confFile("kwok-trainer.log"))
}
