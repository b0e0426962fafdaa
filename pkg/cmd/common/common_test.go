package common

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func TestExperimentArg(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string // the error; "" for none
	}{
		"name":       {[]string{"mnist"}, ""},
		"none":       {nil, "an experiment name is required (see `kubectl mlexp list`)"},
		"empty":      {[]string{""}, "an experiment name is required (see `kubectl mlexp list`)"},
		"upper case": {[]string{"MNIST"}, `invalid experiment name "MNIST": a lowercase RFC 1123 label must consist of`},
		"dots":       {[]string{"a.b"}, `invalid experiment name "a.b": `},
	}
	for name, tc := range cases {
		got, err := ExperimentArg(tc.args)
		switch {
		case tc.want == "" && (err != nil || got != tc.args[0]):
			t.Errorf("%s: ExperimentArg(%q) = %q, %v", name, tc.args, got, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want it to start with %q", name, err, tc.want)
		}
	}
}

func TestDryRun(t *testing.T) {
	parse := func(args ...string) (DryRun, error) {
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		AddDryRunFlag(cmd)
		if err := cmd.ParseFlags(args); err != nil {
			return DryRunNone, err
		}
		return ParseDryRun(cmd)
	}
	cases := map[string]struct {
		mode   DryRun
		suffix string
	}{
		"--dry-run": {DryRunClient, " (dry run)"}, "--dry-run=none": {DryRunNone, ""},
		"--dry-run=client": {DryRunClient, " (dry run)"}, "--dry-run=server": {DryRunServer, " (server dry run)"},
	}
	for arg, tc := range cases {
		got, err := parse(arg)
		if err != nil || got != tc.mode || got.Suffix() != tc.suffix {
			t.Errorf("%s: %v (%q), %v; want %v (%q)", arg, got, got.Suffix(), err, tc.mode, tc.suffix)
		}
	}
	if got, err := parse(); err != nil || got != DryRunNone {
		t.Errorf("no --dry-run: %v, %v; want none", got, err)
	}
	if _, err := parse("--dry-run=maybe"); err == nil || !strings.HasPrefix(err.Error(), "--dry-run: invalid dry-run value (maybe)") {
		t.Errorf("--dry-run=maybe: error = %v", err)
	}
}

func TestOutput(t *testing.T) {
	if err := ValidateOutput("wide", "", "wide", "json"); err != nil {
		t.Errorf("ValidateOutput(wide) = %v", err)
	}
	if err := ValidateOutput("xml", "", "json"); err == nil || err.Error() != `--output: unknown format "xml" (allowed: [ json])` {
		t.Errorf("ValidateOutput(xml) = %v", err)
	}
	for _, tc := range []struct {
		ns   string
		all  bool
		want string
	}{
		{"team", false, "No resources found in team namespace.\n"},
		{"team", true, "No resources found\n"},
		{"", false, "No resources found\n"},
	} {
		var b bytes.Buffer
		NoResources(&b, tc.ns, tc.all)
		if b.String() != tc.want {
			t.Errorf("NoResources(%q, %v) = %q, want %q", tc.ns, tc.all, b.String(), tc.want)
		}
	}
}

// panicGetter fails the test if a command connects before checking its argument.
type panicGetter struct{ t *testing.T }

func (g panicGetter) Namespace() (string, error) { g.t.Error("Namespace called"); return "", nil }
func (g panicGetter) KubernetesClientSet() (kubernetes.Interface, error) {
	g.t.Error("KubernetesClientSet called")
	return nil, nil
}
func (g panicGetter) MetricsClientSet() (metricsclientset.Interface, error) {
	g.t.Error("MetricsClientSet called")
	return nil, nil
}
func (g panicGetter) DynamicClient() (dynamic.Interface, error) {
	g.t.Error("DynamicClient called")
	return nil, nil
}

func TestResolveTarget(t *testing.T) {
	if _, err := ResolveTarget(panicGetter{t}, []string{"Bad"}); err == nil {
		t.Error("a bad name resolved")
	}
	c := fake.NewClientset()
	got, err := ResolveTarget(&kubefake.Getter{NS: "team", Client: c}, []string{"mnist"})
	if err != nil || got.Experiment != "mnist" || got.Namespace != "team" || got.Client != c {
		t.Errorf("ResolveTarget = %+v, %v", got, err)
	}
	boom := errors.New("no kubeconfig")
	if _, err := ResolveTarget(errGetter{boom}, []string{"mnist"}); !errors.Is(err, boom) {
		t.Errorf("ResolveTarget with a broken kubeconfig = %v", err)
	}
}

type errGetter struct{ err error }

func (g errGetter) Namespace() (string, error)                         { return "", g.err }
func (g errGetter) KubernetesClientSet() (kubernetes.Interface, error) { return nil, g.err }
func (g errGetter) MetricsClientSet() (metricsclientset.Interface, error) {
	return nil, g.err
}
func (g errGetter) DynamicClient() (dynamic.Interface, error) { return nil, g.err }

// TestExperimentNames lists the distinct experiments of the namespace, in
// one List of Jobs; completion offers those with the typed prefix.
func TestExperimentNames(t *testing.T) {
	job := func(name, exp string) *batchv1.Job {
		j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team", Labels: map[string]string{}}}
		if exp != "" {
			j.Labels[keys.Experiment] = exp
		}
		return j
	}
	c := fake.NewClientset(job("m-1", "mnist"), job("m-2", "mnist"), job("c-1", "cifar"), job("x", ""),
		job("mo-1", "mobile"))
	g := &kubefake.Getter{NS: "team", Client: c}
	names, err := ExperimentNames(context.Background(), g)
	if err != nil || strings.Join(names, ",") != "cifar,mnist,mobile" {
		t.Errorf("ExperimentNames = %v, %v", names, err)
	}
	if n := len(c.Actions()); n != 1 {
		t.Errorf("%d API calls, want 1", n)
	}
	complete := CompleteExperiments(g)
	cmd := &cobra.Command{}
	cmd.SetContext(context.Background())
	got, dir := complete(cmd, nil, "m")
	if strings.Join(got, ",") != "mnist,mobile" || dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("complete(m) = %v, %v", got, dir)
	}
	if got, _ := complete(cmd, []string{"mnist"}, ""); len(got) != 0 {
		t.Errorf("complete after the experiment = %v, want nothing", got)
	}
	if _, dir := CompleteExperiments(errGetter{errors.New("x")})(cmd, nil, ""); dir != cobra.ShellCompDirectiveError {
		t.Errorf("complete without a cluster: directive %v, want an error", dir)
	}
}
