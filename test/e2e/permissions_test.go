//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

var readersExperiment = ToolboxExperiment("readable", "list: [{i: 1}, {i: 2}, {i: 3}]", `echo "Test accuracy: 0.${i}"`)

// readOnlyKubeconfig creates, in namespace ns, a ServiceAccount that may
// only get, list and watch Jobs, pods, their logs and events there, and
// writes a kubeconfig holding a token of it (TokenRequest API).
func readOnlyKubeconfig(t *testing.T, ns string) string {
	t.Helper()
	ctx := context.Background()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "reader"}}
	if _, err := client.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	read := []string{"get", "list", "watch"}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "reader"}, Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: read},
		{APIGroups: []string{""}, Resources: []string{"pods", "pods/log", "events"}, Verbs: read},
	}}
	if _, err := client.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "reader"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "reader"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "reader", Namespace: ns}}}
	if _, err := client.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	expiry := int64(3600)
	tok, err := client.CoreV1().ServiceAccounts(ns).CreateToken(ctx, "reader",
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cluster := admin.Clusters[admin.Contexts[admin.CurrentContext].Cluster]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["dev"] = cluster
	cfg.AuthInfos["reader"] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	cfg.Contexts["reader"] = &clientcmdapi.Context{Cluster: "dev", AuthInfo: "reader", Namespace: ns}
	cfg.CurrentContext = "reader"
	path := filepath.Join(t.TempDir(), "reader.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadOnlyUser runs every command as a user who may only read Jobs,
// pods, logs and events in one namespace: the reading commands work, the
// writing ones fail before any write with one line naming what is
// missing, and another namespace is a clear forbidden error.
func TestReadOnlyUser(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "perm")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "readable.yaml", readersExperiment))
	WaitFor(t, 3*time.Minute, "3 trials Succeeded", func() (bool, string) {
		s, r := Status(t, ns, "readable")
		return r.Err == nil && s.Count("Succeeded") == 3, s.Describe() + r.String()
	})
	reader := readOnlyKubeconfig(t, ns)
	as := func(args ...string) Result { return MlexpAs(t, reader, ns, args...) }
	ok := func(what string, r Result, wants ...string) {
		t.Helper()
		if r.Err != nil {
			t.Errorf("%s as a reader failed: %s", what, r)
			return
		}
		for _, w := range wants {
			if !strings.Contains(r.Stdout, w) {
				t.Errorf("%s as a reader: stdout lacks %q:\n%s", what, w, r)
			}
		}
	}
	refused := func(what string, r Result, want string) {
		t.Helper()
		lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
		if r.Err == nil || len(lines) != 1 || lines[0] != "error: "+want {
			t.Errorf("%s as a reader: want exit 1 and the one line %q; got %s", what, "error: "+want, r)
		}
	}

	ok("list", as("list"), "readable")
	ok("status", as("status", "readable"), "3 trials: 3 succeeded")
	ok("logs", as("logs", "readable", "--all"), "Test accuracy: 0.1", "Test accuracy: 0.2", "Test accuracy: 0.3")
	ok("events", as("events", "readable"))
	res := as("results", "readable")
	ok("results", res, "TEST_ACCURACY")
	if n := strings.Count(res.Stderr, "results not recorded: you may not patch Jobs"); n != 1 {
		t.Errorf("results as a reader: want one warning that it cannot record results, got %d:\n%s", n, res.Stderr)
	}
	if rows := strings.Split(strings.TrimSpace(res.Stdout), "\n"); len(rows) < 4 || !strings.Contains(rows[1], "0.3") {
		t.Errorf("results as a reader: want the ranking, best (0.3) first:\n%s", res.Stdout)
	}

	top := as("top", "readable")
	if top.Err == nil || !strings.Contains(top.Stderr, fmt.Sprintf(`metrics are forbidden: you may not list pods.metrics.k8s.io in namespace %q`, ns)) {
		t.Errorf("top as a reader: want it to say metrics are forbidden; got %s", top)
	}

	other := strings.ReplaceAll(readersExperiment, "name: readable", "name: other")
	refused("submit", as("submit", "-f", WriteFile(t, "other.yaml", other)),
		fmt.Sprintf(`you may not create jobs.batch in namespace %q (kubectl auth can-i create jobs.batch -n %s)`, ns, ns))
	refused("delete", as("delete", "readable"),
		fmt.Sprintf(`you may not deletecollection jobs.batch in namespace %q (kubectl auth can-i deletecollection jobs.batch -n %s)`, ns, ns))
	refused("retry", as("retry", "readable", "--all"),
		fmt.Sprintf(`you may not delete jobs.batch in namespace %q (kubectl auth can-i delete jobs.batch -n %s)`, ns, ns))
	jobs, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil || len(jobs.Items) != 3 {
		t.Errorf("after the refused submit, delete and retry: %d Jobs (%v), want the 3 of readable", len(jobs.Items), err)
	}

	elsewhere := MlexpAs(t, reader, "default", "status", "readable")
	// Jobs and pods are listed at once: either refusal may come first.
	if elsewhere.Err == nil || strings.Count(strings.TrimSpace(elsewhere.Stderr), "\n") != 0 ||
		!strings.Contains(elsewhere.Stderr, `is forbidden: User "system:serviceaccount:`+ns+`:reader" cannot list resource`) ||
		!strings.Contains(elsewhere.Stderr, `in the namespace "default"`) {
		t.Errorf("status in another namespace: want a forbidden error; got %s", elsewhere)
	}
}
