//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

// The dev cluster's hooks for tests: its fault hooks (stop, start, restart one component),
// its simulated nodes (KWOK) and its Kueue. See docs/dev-cluster.md.

// Names of the dev cluster's features, as hack/devcluster creates them.
const (
	// KwokNodeSelectorKey/Value select the fake nodes; KwokTaintKey is their NoSchedule taint.
	KwokNodeSelectorKey   = "type"
	KwokNodeSelectorValue = "kwok"
	KwokTaintKey          = "kwok.x-k8s.io/node"
	// SimOutcomeLabel on a pod on a fake node makes it end "oomkilled" or "failed".
	SimOutcomeLabel = "mlexp.dev/sim-outcome"
	// SimDurationAnnotation sets how long a pod on a fake node runs (a Go duration; default 1.5s).
	SimDurationAnnotation = "pod-complete.stage.kwok.x-k8s.io/delay"
	// KueueQueueLabel puts a Job in a LocalQueue.
	KueueQueueLabel = "kueue.x-k8s.io/queue-name"
)

var (
	devclusterOnce sync.Once
	devclusterBin  string
	devclusterErr  error
)

// DevCluster runs the dev cluster tool (hack/devcluster) with ARGS, e.g. "stop", "kubelet"
// or "start", "kube-apiserver", against the cluster under test, and returns what it printed.
func DevCluster(t testing.TB, args ...string) Result {
	t.Helper()
	devclusterOnce.Do(func() {
		devclusterBin = filepath.Join(binDir, "devcluster")
		build := exec.Command("go", "build", "-o", devclusterBin, ".")
		build.Dir = "../../hack/devcluster"
		out, err := build.CombinedOutput()
		if err != nil {
			devclusterErr = fmt.Errorf("build hack/devcluster: %v\n%s", err, out)
		}
	})
	if devclusterErr != nil {
		t.Fatal(devclusterErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, devclusterBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return Result{Stdout: out.String(), Stderr: errb.String(), Err: err}
}

// MustDevCluster runs the dev cluster tool and fails the test when it fails.
func MustDevCluster(t testing.TB, args ...string) Result {
	t.Helper()
	r := DevCluster(t, args...)
	if r.Err != nil {
		t.Fatalf("devcluster %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// WaitClusterHealthy waits until `devcluster status` says every component runs, the
// node and the fake nodes are Ready and metrics.k8s.io serves, so that a fault test
// leaves the cluster as it found it (the node lifecycle controller and the aggregated
// metrics API take a few seconds to notice a restarted component). It fails the test
// with the last status when that does not happen within 3 minutes.
func WaitClusterHealthy(t testing.TB) {
	t.Helper()
	begin := time.Now()
	if r := DevCluster(t, "status", "--wait", "3m"); r.Err != nil {
		t.Errorf("the dev cluster is not healthy 3m after the fault test restored it; last status:\n%s", r)
		return
	}
	t.Logf("dev cluster healthy again after %v", time.Since(begin).Round(100*time.Millisecond))
}

// RequireDisruptive skips a test that stops parts of the shared cluster unless
// E2E_DISRUPTIVE=1: it disturbs every other test running at the same time.
func RequireDisruptive(t testing.TB) {
	t.Helper()
	if os.Getenv("E2E_DISRUPTIVE") != "1" {
		t.Skip("stops parts of the shared dev cluster: set E2E_DISRUPTIVE=1 to run it")
	}
}

// OnFakeNodes makes a pod spec run on KWOK's simulated nodes: it tolerates their taint and
// selects them. Nothing runs: KWOK moves the pod Running, then Succeeded after
// SimDurationAnnotation (or Failed with SimOutcomeLabel), and serves a trainer's log.
func OnFakeNodes(spec *corev1.PodSpec) {
	if spec.NodeSelector == nil {
		spec.NodeSelector = map[string]string{}
	}
	spec.NodeSelector[KwokNodeSelectorKey] = KwokNodeSelectorValue
	spec.Tolerations = append(spec.Tolerations, corev1.Toleration{
		Key: KwokTaintKey, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule,
	})
}

// dynamicClient is a dynamic client of the cluster under test (for Kueue's objects).
func dynamicClient(t testing.TB) dynamic.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return dc
}

// Kueue resources (v1beta2, the stored version).
var (
	ClusterQueueGVR  = schema.GroupVersionResource{Group: "kueue.x-k8s.io", Version: "v1beta2", Resource: "clusterqueues"}
	LocalQueueGVR    = schema.GroupVersionResource{Group: "kueue.x-k8s.io", Version: "v1beta2", Resource: "localqueues"}
	WorkloadGVR      = schema.GroupVersionResource{Group: "kueue.x-k8s.io", Version: "v1beta2", Resource: "workloads"}
	ResourceFlavorNm = "default-flavor"
)

// NewKueueQueue creates a ClusterQueue of its own (nominal quota cpu and memory, flavor
// default-flavor, only namespace ns) and a LocalQueue named like it in ns, deleted when the
// test ends. It returns the LocalQueue's name, for the kueue.x-k8s.io/queue-name label.
func NewKueueQueue(t testing.TB, ns, cpu, memory string) string {
	t.Helper()
	dc := dynamicClient(t)
	ctx := context.Background()
	name := ns
	cq := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": ns}},
			"resourceGroups": []any{map[string]any{
				"coveredResources": []any{"cpu", "memory"},
				"flavors": []any{map[string]any{"name": ResourceFlavorNm, "resources": []any{
					map[string]any{"name": "cpu", "nominalQuota": cpu},
					map[string]any{"name": "memory", "nominalQuota": memory},
				}}},
			}},
		},
	}}
	if _, err := dc.Resource(ClusterQueueGVR).Create(ctx, cq, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create ClusterQueue %s: %v", name, err)
	}
	t.Cleanup(func() { _ = dc.Resource(ClusterQueueGVR).Delete(context.Background(), name, metav1.DeleteOptions{}) })
	lq := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec":     map[string]any{"clusterQueue": name},
	}}
	if _, err := dc.Resource(LocalQueueGVR).Namespace(ns).Create(ctx, lq, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create LocalQueue %s/%s: %v", ns, name, err)
	}
	return name
}

// toolboxJob is a one-pod Job of the toolbox image running sh -c script.
func toolboxJob(name, script string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{
			BackoffLimit: ptrTo[int32](0),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{}, Annotations: map[string]string{}},
				Spec: corev1.PodSpec{
					RestartPolicy:                 corev1.RestartPolicyNever,
					TerminationGracePeriodSeconds: ptrTo[int64](1),
					Containers: []corev1.Container{{
						Name: "main", Image: ToolboxImage, ImagePullPolicy: corev1.PullIfNotPresent,
						Command: []string{"sh", "-c", script},
						Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
							corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi"),
						}},
					}},
				},
			},
		},
	}
}

// ptrTo returns a pointer to v.
func ptrTo[T any](v T) *T { return &v }
