package submit

import (
	"path/filepath"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

const tpeFile = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: tpe
spec:
  search:
    algorithm: tpe
    parallelTrials: 2
    maxTrials: 6
    params:
      lr: {logUniform: [0.0001, 0.1]}
  template:
    spec:
      template:
        spec:
          containers:
          - name: ml
            image: registry.test/train:1
            args: ["--lr=${lr}"]
          restartPolicy: Never
  results:
    metric: loss
    goal: min
`

func writeTPE(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tpe.yaml")
	if err := writeFile(p, tpeFile); err != nil {
		t.Fatal(err)
	}
	return p
}

// creates returns the kinds and names the fake clientset was asked to create.
func creates(c *fake.Clientset) []string {
	var out []string
	for _, a := range c.Actions() {
		if ca, ok := a.(k8stesting.CreateAction); ok && a.GetVerb() == "create" && a.GetResource().Resource != "selfsubjectaccessreviews" {
			m, _ := ca.GetObject().(metav1.Object)
			name := ""
			if m != nil {
				name = m.GetName()
			}
			out = append(out, a.GetResource().Resource+"/"+name)
		}
	}
	return out
}

// submit --driver=cluster writes the first batch, then the driver's
// ServiceAccount, Role, RoleBinding and Job, and returns saying how to follow.
func TestSubmitDriverCluster(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	_, errOut, err := runSubmit(t, g, "-f", writeTPE(t), "--driver=cluster", "--driver-image", "registry.test/mlexp:1")
	if err != nil {
		t.Fatal(err)
	}
	// The first batch (written concurrently), then the driver, its Job last.
	all := creates(c)
	got := strings.Join(all[min(2, len(all)):], " ")
	want := "serviceaccounts/mlexp-driver-tpe roles/mlexp-driver-tpe rolebindings/mlexp-driver-tpe jobs/mlexp-driver-tpe"
	if len(all) != 6 || !strings.HasPrefix(all[0], "jobs/tpe-") || !strings.HasPrefix(all[1], "jobs/tpe-") || got != want {
		t.Errorf("created %v\nwant 2 trials, then %s", all, want)
	}
	if !strings.Contains(errOut, "status tpe -w") || !strings.Contains(errOut, "logs tpe --driver") {
		t.Errorf("stderr %q does not say how to follow the search", errOut)
	}
	j, err := c.BatchV1().Jobs("ml").Get(t.Context(), "mlexp-driver-tpe", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if j.Labels[keys.Role] != keys.RoleDriver || j.Spec.Template.Spec.Containers[0].Image != "registry.test/mlexp:1" {
		t.Errorf("driver job labels %v image %s", j.Labels, j.Spec.Template.Spec.Containers[0].Image)
	}
}

// A user who may create Jobs but not Roles gets one line naming
// `create roles`, and nothing is written.
func TestSubmitDriverClusterWithoutRolesWritesNothing(t *testing.T) {
	c := fake.NewClientset()
	kubefake.Authorize(c, func(ra authorizationv1.ResourceAttributes) bool { return ra.Resource != "roles" })
	g := &kubefake.Getter{NS: "ml", Client: c}
	_, _, err := runSubmit(t, g, "-f", writeTPE(t), "--driver=cluster")
	if err == nil || !strings.Contains(err.Error(), "create roles") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one line naming create roles", err)
	}
	if got := creates(c); len(got) != 0 {
		t.Errorf("created %v, want nothing", got)
	}
}

func TestSubmitDriverErrors(t *testing.T) {
	g := &kubefake.Getter{NS: "ml", Client: newClient()}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no search":  {[]string{"-f", seedFile, "--command", "python train.py", "--driver=cluster"}, "spec.search"},
		"bad driver": {[]string{"-f", writeTPE(t), "--driver=laptop"}, "--driver must be terminal or cluster"},
		"wait":       {[]string{"-f", writeTPE(t), "--driver=cluster", "--wait"}, "--wait cannot be used with --driver=cluster"},
	} {
		if _, _, err := runSubmit(t, g, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, tc.want)
		}
	}
}
