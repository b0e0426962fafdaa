//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Disruptive tests of the dev cluster itself (E2E_DISRUPTIVE=1): its fault hooks, and up
// recovering a cluster whose processes were all killed, with its data.

// nodeReady reports the Ready condition of the real node.
func nodeReady(ctx context.Context) (bool, string) {
	n, err := client.CoreV1().Nodes().Get(ctx, "mlexp-dev", metav1.GetOptions{})
	if err != nil {
		return false, err.Error()
	}
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue, fmt.Sprintf("Ready=%s %s %s", c.Status, c.Reason, c.Message)
		}
	}
	return false, "no Ready condition"
}

// TestDevClusterNodeNotReady: `devcluster stop kubelet` makes the node NotReady within the
// controller-manager's short grace period, `devcluster start kubelet` makes it Ready again.
func TestDevClusterNodeNotReady(t *testing.T) {
	RequireDisruptive(t)
	ctx := context.Background()
	t.Cleanup(func() {
		DevCluster(t, "start", "kubelet")
		WaitClusterHealthy(t)
	})
	MustDevCluster(t, "stop", "kubelet")
	stopped := time.Now()
	WaitFor(t, 2*time.Minute, "the node NotReady after the kubelet stopped", func() (bool, string) {
		ready, saw := nodeReady(ctx)
		return !ready, saw
	})
	t.Logf("node NotReady %s after the kubelet stopped", time.Since(stopped).Round(time.Second))
	MustDevCluster(t, "start", "kubelet")
	if ready, saw := nodeReady(ctx); !ready {
		t.Errorf("start kubelet returned with the node not Ready: %s", saw)
	}
}

var recoveryExperiment = ToolboxExperiment("survivor", "list: [{i: 0}, {i: 1}, {i: 2}]", `echo "Test accuracy: 0.${i}"`)

// killOrder is every component, clients first, as `devcluster status` names them.
var killOrder = []string{"kueue", "kwok", "metrics-server", "kubelet", "kube-scheduler",
	"kube-controller-manager", "kube-apiserver", "etcd", "containerd"}

// TestDevClusterRecovery: kill -9 of every component (what a reboot or a killed session
// leaves) and then `devcluster up` brings the cluster back with its data: the experiment's
// Jobs are still there, same objects, and the cluster runs new work.
func TestDevClusterRecovery(t *testing.T) {
	RequireDisruptive(t)
	ctx := context.Background()
	ns := NewNamespace(t, "recovery")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "survivor.yaml", recoveryExperiment))
	WaitFor(t, 3*time.Minute, "3 trials Succeeded", func() (bool, string) {
		s, r := Status(t, ns, "survivor")
		return r.Err == nil && s.Count("Succeeded") == 3, s.Describe() + r.String()
	})
	uids := func() ([]string, error) {
		jobs, err := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		var out []string
		for _, j := range jobs.Items {
			out = append(out, j.Name+"/"+string(j.UID))
		}
		sort.Strings(out)
		return out, nil
	}
	before, err := uids()
	if err != nil || len(before) != 3 {
		t.Fatalf("jobs before: %v %v", before, err)
	}

	runningNow := map[string]bool{}
	for _, line := range strings.Split(DevCluster(t, "status").Stdout, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[2] == "running" {
			runningNow[f[0]] = true
		}
	}
	for _, name := range killOrder {
		if runningNow[name] {
			MustDevCluster(t, "stop", name, "--kill")
		}
	}
	if r := DevCluster(t, "status"); r.Err == nil {
		t.Fatalf("status still says up after every component was killed:\n%s", r)
	}
	begin := time.Now()
	up := MustDevCluster(t, "up")
	t.Logf("up after kill -9 of everything took %s:\n%s", time.Since(begin).Round(time.Second), up.Stderr)

	after, err := uids()
	if err != nil {
		t.Fatalf("list jobs after up: %v", err)
	}
	if strings.Join(before, " ") != strings.Join(after, " ") {
		t.Errorf("jobs after recovery differ:\nbefore %v\nafter  %v", before, after)
	}
	s, r := Status(t, ns, "survivor")
	if r.Err != nil || s.Count("Succeeded") != 3 {
		t.Errorf("status after recovery: want 3 Succeeded trials, got %s %s", s.Describe(), r)
	}
	job := toolboxJob("after", "echo alive")
	if _, err := client.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create a Job after recovery: %v", err)
	}
	WaitFor(t, 3*time.Minute, "a new Job to run after recovery", func() (bool, string) {
		p := podOf(ctx, ns, "after")
		return terminated(p) == "Succeeded Completed 0", describePod(p)
	})
}
