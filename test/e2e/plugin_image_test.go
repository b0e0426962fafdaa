//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// pluginImage is the plugin's own image, built from the working tree by `make plugin-image`.
const pluginImage = "localhost/mlexp/kubectl-mlexp:dev"

var pluginImageOnce sync.Once
var pluginImageErr error

// PluginImage builds the working tree's plugin into localhost/mlexp/kubectl-mlexp:dev in
// the cluster's containerd, once per run.
func PluginImage(t testing.TB) {
	t.Helper()
	pluginImageOnce.Do(func() {
		cmd := exec.Command("go", "run", ".", "plugin-image", "--src", "../..")
		cmd.Dir = "../../hack/devcluster"
		if out, err := cmd.CombinedOutput(); err != nil {
			pluginImageErr = fmt.Errorf("devcluster plugin-image: %v\n%s", err, out)
		}
	})
	if pluginImageErr != nil {
		t.Fatal(pluginImageErr)
	}
}

// TestPluginImage runs the plugin's image as a pod of the cluster, as an unprivileged user:
// the entrypoint is the plugin, and it prints its version.
func TestPluginImage(t *testing.T) {
	t.Parallel()
	PluginImage(t)
	ns := NewNamespace(t, "plugin-image")
	ctx := context.Background()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "version"},
		Spec: corev1.PodSpec{
			RestartPolicy:   corev1.RestartPolicyNever,
			SecurityContext: &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](65534), RunAsNonRoot: ptr.To(true)},
			Containers: []corev1.Container{{
				Name: "plugin", Image: pluginImage, ImagePullPolicy: corev1.PullNever,
				Args: []string{"version", "-o", "json"},
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")},
					Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				},
			}},
		},
	}
	if _, err := client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	WaitFor(t, 2*time.Minute, "the plugin's pod to succeed", func() (bool, string) {
		p, err := client.CoreV1().Pods(ns).Get(ctx, "version", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		if p.Status.Phase == corev1.PodFailed {
			t.Fatalf("pod failed: %+v", p.Status.ContainerStatuses)
		}
		return p.Status.Phase == corev1.PodSucceeded, fmt.Sprintf("%s %+v", p.Status.Phase, p.Status.ContainerStatuses)
	})
	out, err := client.CoreV1().Pods(ns).GetLogs("version", &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ Version, GoVersion string }
	if err := json.Unmarshal(out, &info); err != nil || info.Version != "v0.0.0-dev" || info.GoVersion == "" {
		t.Errorf("kubectl-mlexp version -o json in the image printed %q (%v), want the dev version and its Go version", out, err)
	}
}
