package delete

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/incluster"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// withDriver returns a fake cluster holding experiment tpe's trials and
// its in-cluster driver.
func withDriver(t *testing.T) *fake.Clientset {
	t.Helper()
	objs := kubefake.Experiment("ml", "tpe", kubefake.Trial{Name: "tpe-0000", Index: 0, State: "Running"})
	d, err := incluster.Render(incluster.Spec{Experiment: "tpe", Namespace: "ml", Image: "i"})
	if err != nil {
		t.Fatal(err)
	}
	objs = append(objs, []runtime.Object{d.ServiceAccount, d.Role, d.RoleBinding, d.Job}...)
	c := fake.NewClientset(objs...)
	kubefake.AllowAll(c)
	return c
}

// writes returns the deletes of c in order: "delete jobs NAME" or
// "delete-collection jobs".
func writes(c *fake.Clientset) []string {
	var out []string
	for _, a := range c.Actions() {
		switch a.GetVerb() {
		case "delete-collection":
			out = append(out, "delete-collection "+a.GetResource().Resource)
		case "delete":
			out = append(out, "delete "+a.GetResource().Resource+" "+a.(k8stesting.DeleteAction).GetName())
		}
	}
	return out
}

// delete stops the driver first (its Job deleted), then deletes the
// trials, then the driver's RoleBinding, Role and ServiceAccount.
func TestDeleteStopsTheDriverFirst(t *testing.T) {
	c := withDriver(t)
	out, err := run(t, c, "tpe", "--wait=false")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"delete jobs mlexp-driver-tpe",
		"delete-collection jobs", "delete-collection pods",
		"delete rolebindings mlexp-driver-tpe", "delete roles mlexp-driver-tpe", "delete serviceaccounts mlexp-driver-tpe",
	}
	if diff := cmp.Diff(want, writes(c)); diff != "" {
		t.Errorf("deletes (-want +got):\n%s", diff)
	}
	for _, s := range []string{`job.batch "tpe-0000" deleted`, `job.batch "mlexp-driver-tpe" deleted`, `role.rbac.authorization.k8s.io "mlexp-driver-tpe" deleted`, `serviceaccount "mlexp-driver-tpe" deleted`} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if left, _ := incluster.Existing(context.Background(), c, "ml", "tpe"); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

// A dry run lists the driver's objects and deletes nothing.
func TestDeleteDryRunListsTheDriver(t *testing.T) {
	c := withDriver(t)
	out, err := run(t, c, "tpe", "--dry-run=client")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `rolebinding.rbac.authorization.k8s.io "mlexp-driver-tpe" deleted (dry run)`) {
		t.Errorf("output lacks the driver's RoleBinding:\n%s", out)
	}
	if w := writes(c); len(w) != 0 {
		t.Errorf("a dry run deleted %v", w)
	}
}
