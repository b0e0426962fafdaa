package incluster

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// TestCreateStopRemove: the driver's four objects are created, found,
// then stopped (the Job) and removed (the rest), leaving nothing.
func TestCreateStopRemove(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientset()
	o, err := Render(Spec{Experiment: "tpe", Namespace: "ml", Image: "i"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := Create(ctx, c, o)
	if err != nil || !created {
		t.Fatalf("Create = %v, %v", created, err)
	}
	all := []string{"job.batch/mlexp-driver-tpe", "rolebinding.rbac.authorization.k8s.io/mlexp-driver-tpe", "role.rbac.authorization.k8s.io/mlexp-driver-tpe", "serviceaccount/mlexp-driver-tpe"}
	got, err := Existing(ctx, c, "ml", "tpe")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, got); diff != "" {
		t.Errorf("existing (-want +got):\n%s", diff)
	}
	// A second create leaves the running driver alone.
	if created, err := Create(ctx, c, o); err != nil || created {
		t.Errorf("Create of a running driver = %v, %v; want it left alone", created, err)
	}
	stopped, err := Stop(ctx, c, "ml", "tpe", time.Minute)
	if err != nil || !stopped {
		t.Fatalf("Stop = %v, %v", stopped, err)
	}
	if _, err := c.BatchV1().Jobs("ml").Get(ctx, Name("tpe"), metav1.GetOptions{}); err == nil {
		t.Error("the driver's Job is still there after Stop")
	}
	removed, err := Remove(ctx, c, "ml", "tpe", false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all[1:], removed); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
	if got, _ := Existing(ctx, c, "ml", "tpe"); len(got) != 0 {
		t.Errorf("left after Remove: %v", got)
	}
	if stopped, err := Stop(ctx, c, "ml", "tpe", time.Minute); err != nil || stopped {
		t.Errorf("Stop without a driver = %v, %v", stopped, err)
	}
}

// TestCreateReplacesAFinishedDriver: tune --driver=cluster after the
// driver's Job ended starts a new one.
func TestCreateReplacesAFinishedDriver(t *testing.T) {
	ctx := context.Background()
	o, _ := Render(Spec{Experiment: "tpe", Namespace: "ml", Image: "new"})
	old := o.Job.DeepCopy()
	old.Spec.Template.Spec.Containers[0].Image = "old"
	old.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: "True"}}
	c := fake.NewClientset(old)
	if created, err := Create(ctx, c, o); err != nil || !created {
		t.Fatalf("Create = %v, %v", created, err)
	}
	j, err := c.BatchV1().Jobs("ml").Get(ctx, Name("tpe"), metav1.GetOptions{})
	if err != nil || j.Spec.Template.Spec.Containers[0].Image != "new" {
		t.Errorf("driver Job = %v, %v; want the new one", j, err)
	}
}
