package status

import (
	"context"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func runningOn(node string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.Spec.NodeName = node
		p.Status.Phase = corev1.PodRunning
		p.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionTrue},
			{Type: corev1.ContainersReady, Status: corev1.ConditionTrue},
		}
	}
}

// TestStatusWatchFaults follows an experiment through what a shared
// cluster does to it: an API server restart (the table goes on, no row is
// printed twice), a node that stops reporting (its trial turns Unknown, not
// Running forever), and a Job deleted by hand (said on stderr).
func TestStatusWatchFaults(t *testing.T) {
	c := fake.NewClientset(
		trialJob("mnist-aaaa", "0", `{"i":0}`), trialJob("mnist-bbbb", "1", `{"i":1}`),
		trialPod("mnist-aaaa", "mnist-aaaa-x", runningOn("node1")),
		trialPod("mnist-bbbb", "mnist-bbbb-y", runningOn("node2")),
	)
	outage := kubefake.NewOutage(c)
	var out, errOut kubefake.SyncBuffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: &kubefake.Getter{NS: "ml", Client: c},
		Watch: true, Print: common.PrintFlags{NoHeaders: true, Tables: []string{"wide"}, NameKind: "job.batch"}, Now: func() time.Time { return now }}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	waitFor(t, "both rows", func() bool { return strings.Count(out.String(), "Running") == 2 })

	outage.Stop()
	waitFor(t, "the warning about the lost server", func() bool { return strings.Contains(errOut.String(), "lost the API server") })
	outage.Start()
	waitFor(t, "the server back", func() bool { return strings.Contains(errOut.String(), "answers again") })

	pods := c.CoreV1().Pods("ml")
	p, err := pods.Get(ctx, "mnist-bbbb-y", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Conditions[0].Status = corev1.ConditionFalse // the node controller's mark
	if _, err := pods.UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the Unknown row", func() bool { return strings.Contains(out.String(), "Unknown   NodeNotReady") })

	if err := c.BatchV1().Jobs("ml").Delete(ctx, "mnist-aaaa", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the note about the deleted Job", func() bool {
		return strings.Contains(errOut.String(), "trial mnist-aaaa is gone: its Job was deleted\n")
	})
	// The last trial finishes: the watch ends by itself.
	j, err := c.BatchV1().Jobs("ml").Get(ctx, "mnist-bbbb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	if _, err := c.BatchV1().Jobs("ml").UpdateStatus(ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("status -w: %v\nstderr:\n%s", err, errOut.String())
	}
	rows := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"mnist-aaaa 0 Running", "mnist-bbbb 1 Running", "mnist-bbbb 1 Unknown NodeNotReady", "mnist-bbbb 1 Succeeded"}
	if len(rows) != len(want) {
		t.Fatalf("rows:\n%s\nwant %d rows (none twice after the restart)", out.String(), len(want))
	}
	for i, w := range want {
		if got := strings.Join(strings.Fields(rows[i]), " "); !strings.HasPrefix(got, w) {
			t.Errorf("row %d = %q, want it to start with %q", i, got, w)
		}
	}
}
