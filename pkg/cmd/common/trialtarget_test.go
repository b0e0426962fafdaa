package common

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// TestResolveTrials: TRIAL arguments after the experiment join --trial,
// and --dry-run is read; a bad --dry-run fails before the client is built.
func TestResolveTrials(t *testing.T) {
	cmd := &cobra.Command{}
	AddDryRunFlag(cmd)
	var f TrialFlags
	f.AddFlags(cmd.Flags(), "Retry")
	if err := cmd.ParseFlags([]string{"--dry-run=server", "--trial", "aaaaaaaa"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.ResolveTrials(&kubefake.Getter{NS: "ml", Client: fake.NewClientset()}, cmd, []string{"mnist", "bbbbbbbb"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Experiment != "mnist" || got.Namespace != "ml" || got.DryRun != DryRunServer || got.Selector == "" ||
		!slices.Equal(got.Filter.Names, []string{"mnist-aaaaaaaa", "mnist-bbbbbbbb"}) {
		t.Errorf("ResolveTrials = %+v", got)
	}
	_ = cmd.Flags().Set("dry-run", "maybe")
	if _, err := f.ResolveTrials(nil, cmd, []string{"mnist"}); err == nil {
		t.Error("--dry-run=maybe: no error")
	}
}
