package kube

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/cli-runtime/pkg/genericclioptions"
)

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: t}
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team}
current-context: ctx
`

// TestFlagsGetter reads the kubeconfig like kubectl: its namespace unless
// -n says otherwise, and raises client-go's default rate limit.
func TestFlagsGetter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := genericclioptions.NewConfigFlags(true)
	flags.KubeConfig = &path
	g := NewFlagsGetter(flags)
	if ns, err := g.Namespace(); err != nil || ns != "team" {
		t.Errorf("Namespace() = %q, %v; want the context's team", ns, err)
	}
	other := "other"
	withN := genericclioptions.NewConfigFlags(true)
	withN.KubeConfig, withN.Namespace = &path, &other
	if ns, err := NewFlagsGetter(withN).Namespace(); err != nil || ns != "other" {
		t.Errorf("Namespace() with -n other = %q, %v", ns, err)
	}
	cfg, err := g.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.QPS != 200 || cfg.Burst != 400 || cfg.Host != "https://127.0.0.1:1" {
		t.Errorf("rest config QPS %v Burst %d Host %s; want 200, 400 and the kubeconfig's server", cfg.QPS, cfg.Burst, cfg.Host)
	}
	if _, err := g.KubernetesClientSet(); err != nil {
		t.Errorf("KubernetesClientSet: %v", err)
	}
	if _, err := g.MetricsClientSet(); err != nil {
		t.Errorf("MetricsClientSet: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "none")
	bad := NewFlagsGetter(genericclioptions.NewConfigFlags(true))
	bad.Flags.KubeConfig = &missing
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	if _, err := bad.KubernetesClientSet(); err == nil {
		t.Error("a client without any kubeconfig")
	}
}

// TestConnectionArgs: the flags that chose the cluster, as given, and no
// credential.
func TestConnectionArgs(t *testing.T) {
	flags := genericclioptions.NewConfigFlags(true)
	path, ctx, token := "/home/me/.kube/dev", "kind-dev", "s3cret"
	flags.KubeConfig, flags.Context, flags.BearerToken = &path, &ctx, &token
	got := ConnectionArgs(NewFlagsGetter(flags))
	want := []string{"--kubeconfig", path, "--context", ctx}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("ConnectionArgs = %q, want %q", got, want)
	}
	if got := ConnectionArgs(NewFlagsGetter(genericclioptions.NewConfigFlags(true))); len(got) != 0 {
		t.Errorf("without flags: %q", got)
	}
}
