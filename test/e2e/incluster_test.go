//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// driverSelector selects the objects of experiment exp's in-cluster driver.
func driverSelector(exp string) string {
	return "mlexp.dev/experiment=" + exp + ",mlexp.dev/role=driver"
}

// driverPods returns the names of experiment exp's driver pods that are
// not being deleted.
func driverPods(t *testing.T, ns, exp string) []string {
	t.Helper()
	l, err := client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: driverSelector(exp)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range l.Items {
		if p.DeletionTimestamp == nil && p.Status.Phase != corev1.PodFailed {
			out = append(out, p.Name)
		}
	}
	return out
}

// TestSearchDriverInCluster is issue 23's acceptance: a TPE search of 9
// trials submitted with --driver=cluster returns at once and finishes with
// no client process; its driver pod, deleted in the middle, is replaced
// and the search ends with exactly 9 trials, each having run its own
// parameters; delete leaves no Job, ServiceAccount, Role or RoleBinding.
func TestSearchDriverInCluster(t *testing.T) {
	t.Parallel()
	PluginImage(t)
	ctx := context.Background()
	ns := NewNamespace(t, "incluster")
	file := WriteFile(t, "tpe.yaml", SearchExperiment("tpe", `    algorithm: tpe
    seed: 7
    settings: {n_startup_trials: 4}
    parallelTrials: 3
    maxTrials: 9
    params:
      x: {uniform: [-5, 5]}
      y: {uniform: [-5, 5]}`, `echo "params x=${x} y=${y}"; `+quadScript))

	start := time.Now()
	sub := MustMlexp(t, ns, "submit", "-f", file, "--driver=cluster", "--driver-image", pluginImage)
	t.Logf("submit --driver=cluster returned in %v:\n%s", time.Since(start).Round(time.Millisecond), sub)
	if !strings.Contains(sub.Stderr, "status tpe -w") {
		t.Errorf("submit does not say how to follow the search:\n%s", sub)
	}
	// The driver runs in the cluster: no process of this test drives it.
	var first string
	WaitFor(t, 4*time.Minute, "the in-cluster driver to create a 5th trial", func() (bool, string) {
		pods := driverPods(t, ns, "tpe")
		if len(pods) == 1 {
			first = pods[0]
		}
		n := len(SearchTrials(t, ns, "tpe"))
		return n >= 5 && first != "", fmt.Sprintf("%d trials, driver pods %v\n%s", n, pods, Mlexp(t, ns, "logs", "tpe", "--driver"))
	})
	// A killed driver: its Job replaces the pod, which resumes the search.
	Kubectl(t, ns, "delete", "pod", first, "--wait=false")
	WaitFor(t, 3*time.Minute, "a new driver pod", func() (bool, string) {
		pods := driverPods(t, ns, "tpe")
		return len(pods) == 1 && pods[0] != first, fmt.Sprintf("driver pods %v", pods)
	})
	WaitFor(t, 8*time.Minute, "the driver's Job to complete", func() (bool, string) {
		j, err := client.BatchV1().Jobs(ns).Get(ctx, "mlexp-driver-tpe", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		for _, c := range j.Status.Conditions {
			if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
				t.Fatalf("the driver's Job failed: %s\n%s", c.Message, Mlexp(t, ns, "logs", "tpe", "--driver"))
			}
			if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d trials\n%s", len(SearchTrials(t, ns, "tpe")), Mlexp(t, ns, "status", "tpe"))
	})
	trials := SearchTrials(t, ns, "tpe")
	if len(trials) != 9 {
		t.Fatalf("%d trials, want exactly 9:\n%s", len(trials), DescribeSearch(trials))
	}
	for i, tr := range trials {
		if want := fmt.Sprintf("tpe-%03d", i); tr.Name != want || tr.Loss == nil {
			t.Errorf("trial %d: %s loss %v, want %s with a recorded loss", i, tr.Name, tr.Loss, want)
		}
	}
	// Each trial ran its own command: its log shows its own parameters.
	for _, name := range []string{"tpe-002", "tpe-007"} {
		j, err := client.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(j.Annotations["mlexp.dev/params"]), &p); err != nil {
			t.Fatalf("%s params: %v", name, err)
		}
		logs := MustMlexp(t, ns, "logs", "tpe", name)
		if want := fmt.Sprintf("params x=%v y=%v", p["x"], p["y"]); !strings.Contains(logs.Stdout, want) {
			t.Errorf("log of %s lacks %q:\n%s", name, want, logs)
		}
	}
	st := MustMlexp(t, ns, "status", "tpe")
	if !strings.Contains(st.Stdout, "search: tpe, 9 of 9 trials finished") || !strings.Contains(st.Stdout, "driver: job/mlexp-driver-tpe Succeeded") {
		t.Errorf("status does not show the ended search and its driver:\n%s", st)
	}
	if strings.Count(st.Stdout, "mlexp-driver-tpe") > 1 {
		t.Errorf("status lists the driver as a trial:\n%s", st)
	}
	if logs := MustMlexp(t, ns, "logs", "tpe", "--driver"); !strings.Contains(logs.Stdout, "trial tpe-008 created") {
		t.Errorf("the driver's log does not show the last trial created:\n%s", logs)
	}
	MustMlexp(t, ns, "wait", "tpe")

	MustMlexp(t, ns, "delete", "tpe")
	jobs, _ := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	sas, _ := client.CoreV1().ServiceAccounts(ns).List(ctx, metav1.ListOptions{LabelSelector: "mlexp.dev/experiment"})
	roles, _ := client.RbacV1().Roles(ns).List(ctx, metav1.ListOptions{})
	rbs, _ := client.RbacV1().RoleBindings(ns).List(ctx, metav1.ListOptions{})
	if len(jobs.Items)+len(sas.Items)+len(roles.Items)+len(rbs.Items) != 0 {
		t.Errorf("left after delete: %d Jobs, %d ServiceAccounts, %d Roles, %d RoleBindings", len(jobs.Items), len(sas.Items), len(roles.Items), len(rbs.Items))
	}
}

// TestSearchDriverInClusterNeedsRoles: a user who may create Jobs (and
// everything a terminal driver needs) but not Roles gets one line naming
// `create roles`, and nothing is written.
func TestSearchDriverInClusterNeedsRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := NewNamespace(t, "incluster-rbac")
	all := []string{"get", "list", "watch", "create", "update", "patch", "delete"}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "jobber"}, Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: all},
		{APIGroups: []string{""}, Resources: []string{"pods", "pods/log", "events", "serviceaccounts"}, Verbs: all},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: all},
		{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"rolebindings"}, Verbs: all},
	}}
	if _, err := client.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "jobber"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "jobber"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "jobber"}}}
	if _, err := client.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	file := WriteFile(t, "tpe.yaml", SearchExperiment("tpe", `    algorithm: tpe
    parallelTrials: 3
    maxTrials: 9
    params:
      x: {uniform: [-5, 5]}`, `echo loss=${x}`))
	// The admin impersonates the user, as kubectl --as does.
	r := Mlexp(t, ns, "submit", "-f", file, "--driver=cluster", "--as", "jobber")
	if r.Err == nil || !strings.Contains(r.Stderr, "create roles") || strings.Count(strings.TrimSpace(r.Stderr), "\n") > 0 {
		t.Fatalf("submit as a user who may not create Roles: want one line naming create roles:\n%s", r)
	}
	jobs, err := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sas, _ := client.CoreV1().ServiceAccounts(ns).List(ctx, metav1.ListOptions{LabelSelector: "mlexp.dev/experiment"})
	rbs, _ := client.RbacV1().RoleBindings(ns).List(ctx, metav1.ListOptions{LabelSelector: "mlexp.dev/experiment"})
	if len(jobs.Items)+len(sas.Items)+len(rbs.Items) != 0 {
		t.Errorf("written although refused: %d Jobs, %d ServiceAccounts, %d RoleBindings", len(jobs.Items), len(sas.Items), len(rbs.Items))
	}
}
