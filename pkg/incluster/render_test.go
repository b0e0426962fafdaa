package incluster

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"

	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

func TestRender(t *testing.T) {
	o, err := Render(Spec{Experiment: "tpe", Namespace: "ml", Image: "example.com/mlexp:v1"})
	if err != nil {
		t.Fatal(err)
	}
	j := o.Job
	pod := j.Spec.Template.Spec
	c := pod.Containers[0]
	if diff := cmp.Diff([]string{"tune", "tpe", "-n", "ml"}, c.Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	if c.Image != "example.com/mlexp:v1" || len(c.Command) != 0 {
		t.Errorf("container runs %v in %s, want the image's entrypoint", c.Command, c.Image)
	}
	if pod.ServiceAccountName != "mlexp-driver-tpe" || o.ServiceAccount.Name != "mlexp-driver-tpe" {
		t.Errorf("service account %q, pod runs as %q", o.ServiceAccount.Name, pod.ServiceAccountName)
	}
	if j.Spec.BackoffLimit == nil || *j.Spec.BackoffLimit < 1 {
		t.Errorf("backoffLimit = %v: a killed driver pod would not be replaced", j.Spec.BackoffLimit)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources = %+v, want requests and limits", c.Resources)
	}
	// The driver's Job and pod carry the experiment and the driver role:
	// every trial selector leaves them out, the driver selector finds them.
	for what, l := range map[string]map[string]string{"job": j.Labels, "pod": j.Spec.Template.Labels, "role": o.Role.Labels, "binding": o.RoleBinding.Labels, "sa": o.ServiceAccount.Labels} {
		for sel, want := range map[string]bool{keys.ForExperiment("tpe"): false, keys.AnyExperiment(): false, keys.ForDriver("tpe"): true, keys.WholeExperiment("tpe"): true} {
			s, _ := k8slabels.Parse(sel)
			if got := s.Matches(k8slabels.Set(l)); got != want {
				t.Errorf("%s labels %v: %q matches = %v, want %v", what, l, sel, got, want)
			}
		}
	}
	rb := o.RoleBinding
	if rb.RoleRef != (rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: o.Role.Name}) ||
		len(rb.Subjects) != 1 || rb.Subjects[0].Kind != "ServiceAccount" || rb.Subjects[0].Name != o.ServiceAccount.Name || rb.Subjects[0].Namespace != "ml" {
		t.Errorf("role binding = %+v", rb)
	}
	for _, m := range []metav1.ObjectMeta{o.ServiceAccount.ObjectMeta, o.Role.ObjectMeta, o.RoleBinding.ObjectMeta, j.ObjectMeta} {
		if m.Namespace != "ml" {
			t.Errorf("%s is in namespace %q, want ml", m.Name, m.Namespace)
		}
	}
}

// TestRoleAllowsWhatTheDriverNeedsAndNoMore: the Role's rules are
// drive.Needs exactly.
func TestRoleAllowsWhatTheDriverNeedsAndNoMore(t *testing.T) {
	o, err := Render(Spec{Experiment: "tpe", Namespace: "ml", Image: "i"})
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[kube.Access]bool{}
	for _, r := range o.Role.Rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				resource, sub, _ := strings.Cut(res, "/")
				for _, v := range r.Verbs {
					allowed[kube.Access{Verb: v, Group: g, Resource: resource, Subresource: sub}] = true
				}
			}
		}
	}
	want := map[kube.Access]bool{}
	for _, a := range drive.Needs {
		want[a] = true
	}
	if diff := cmp.Diff(want, allowed); diff != "" {
		t.Errorf("the Role allows (-drive.Needs +rules):\n%s", diff)
	}
}

func TestRenderRefusesWhatTheAPIServerWould(t *testing.T) {
	if _, err := Render(Spec{Experiment: strings.Repeat("a", 60), Namespace: "ml", Image: "i"}); err == nil || !strings.Contains(err.Error(), "shorter") {
		t.Errorf("a 60-character experiment: err = %v, want one asking for a shorter name", err)
	}
	if _, err := Render(Spec{Experiment: "tpe", Namespace: "ml"}); err == nil || !strings.Contains(err.Error(), "--driver-image") {
		t.Errorf("no image: err = %v, want one naming --driver-image", err)
	}
}

func TestDefaultImage(t *testing.T) {
	for v, want := range map[string]string{
		"v1.4.0":     "ghcr.io/mlexp/kubectl-mlexp:v1.4.0",
		"v0.0.0-dev": DevImage,
		"dev":        DevImage,
	} {
		if got := DefaultImage(v); got != want {
			t.Errorf("DefaultImage(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestLine(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	running := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "mlexp-driver-tpe"}, Status: batchv1.JobStatus{Active: 1, Ready: ptr.To[int32](1), Failed: 1}}
	done := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "mlexp-driver-tpe"}, Status: batchv1.JobStatus{
		Conditions: []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: "True"}}}}
	holder := &drive.Holder{Identity: "mlexp-driver-tpe-x1/1", Renewed: now.Add(-4 * time.Second), Duration: 20 * time.Second}
	for name, tc := range map[string]struct {
		s    State
		want string
	}{
		"nothing":  {State{}, ""},
		"running":  {State{Job: running, Holder: holder}, "driver: job/mlexp-driver-tpe Running (1 pod(s) replaced); lease held by mlexp-driver-tpe-x1/1, renewed 4s ago"},
		"ended":    {State{Job: done}, "driver: job/mlexp-driver-tpe Succeeded; lease free"},
		"terminal": {State{Holder: &drive.Holder{Identity: "laptop/42", Renewed: now.Add(-time.Minute), Duration: 20 * time.Second}}, "driver: lease held by laptop/42, renewed 60s ago (expired)"},
	} {
		if got := tc.s.Line(now); got != tc.want {
			t.Errorf("%s: Line = %q, want %q", name, got, tc.want)
		}
	}
}
