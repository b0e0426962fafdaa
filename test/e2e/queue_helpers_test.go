//go:build e2e

package e2e

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

// TODO(queue): the devcluster branch adds NewKueueQueue and dynamicClient
// (test/e2e/devcluster_helpers_test.go); once it is on main, use those and
// delete this file.

var (
	kueueCQ = schema.GroupVersionResource{Group: "kueue.x-k8s.io", Version: "v1beta2", Resource: "clusterqueues"}
	kueueLQ = schema.GroupVersionResource{Group: "kueue.x-k8s.io", Version: "v1beta2", Resource: "localqueues"}
	kueueWL = schema.GroupVersionResource{Group: "kueue.x-k8s.io", Version: "v1beta2", Resource: "workloads"}
)

// kueueDynamic is a dynamic client of the cluster under test.
func kueueDynamic(t testing.TB) dynamic.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	return dynamic.NewForConfigOrDie(cfg)
}

// RequireKueue skips the test when the cluster does not serve Kueue's API.
func RequireKueue(t testing.TB) {
	t.Helper()
	_, err := client.Discovery().ServerResourcesForGroupVersion("kueue.x-k8s.io/v1beta2")
	if apierrors.IsNotFound(err) {
		t.Skipf("the cluster does not serve Kueue's API (make dev-cluster runs Kueue unless MLEXP_KUEUE=0): %v", err)
	}
	if err != nil {
		t.Fatalf("discover Kueue's API: %v", err)
	}
}

// queueForTest creates a ClusterQueue of its own (nominal quota cpu and
// memory, flavor default-flavor, only namespace ns) and a LocalQueue of
// the same name in ns; it returns the name and deletes the ClusterQueue
// when the test ends.
func queueForTest(t testing.TB, ns, cpu, memory string) string {
	t.Helper()
	dc := kueueDynamic(t)
	ctx := context.Background()
	cq := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue",
		"metadata": map[string]any{"name": ns},
		"spec": map[string]any{
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": ns}},
			"resourceGroups": []any{map[string]any{
				"coveredResources": []any{"cpu", "memory"},
				"flavors": []any{map[string]any{"name": "default-flavor", "resources": []any{
					map[string]any{"name": "cpu", "nominalQuota": cpu},
					map[string]any{"name": "memory", "nominalQuota": memory},
				}}},
			}},
		},
	}}
	if _, err := dc.Resource(kueueCQ).Create(ctx, cq, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create ClusterQueue %s: %v", ns, err)
	}
	t.Cleanup(func() { _ = dc.Resource(kueueCQ).Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	lq := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue",
		"metadata": map[string]any{"name": ns, "namespace": ns},
		"spec":     map[string]any{"clusterQueue": ns},
	}}
	if _, err := dc.Resource(kueueLQ).Namespace(ns).Create(ctx, lq, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create LocalQueue %s/%s: %v", ns, ns, err)
	}
	return ns
}
