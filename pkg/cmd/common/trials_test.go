package common

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

func TestTrialFlags(t *testing.T) {
	var f TrialFlags
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	f.AddFlags(fs, "Show")
	if err := fs.Parse([]string{"--trial", "1a2b3c4d", "--trial", "mnist-ffff0000", "--param-selector", "act=relu", "--param-selector", "dropout!=0.2", "-l", "team in (a,b)"}); err != nil {
		t.Fatal(err)
	}
	if !f.Narrowed() {
		t.Error("Narrowed() = false after --trial")
	}
	got, err := f.Filter("mnist")
	if err != nil {
		t.Fatal(err)
	}
	want := trial.Filter{
		Names:  []string{"mnist-1a2b3c4d", "mnist-ffff0000"},
		Params: params.Selector{{Name: "act", Value: "relu"}, {Name: "dropout", Value: "0.2", Not: true}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Filter (-want +got):\n%s", diff)
	}
	sel, err := f.Selector("mnist")
	if err != nil {
		t.Fatal(err)
	}
	if want := "mlexp.dev/experiment=mnist,!mlexp.dev/role,team in (a,b)"; sel != want {
		t.Errorf("Selector = %q, want %q", sel, want)
	}
}

func TestTrialFlagsErrors(t *testing.T) {
	f := TrialFlags{ParamSelectors: []string{"act"}}
	if _, err := f.Filter("m"); err == nil || !strings.HasPrefix(err.Error(), "--param-selector: ") {
		t.Errorf("Filter error = %v, want one naming --param-selector", err)
	}
	f = TrialFlags{LabelSelector: "a=(b"}
	if _, err := f.Selector("m"); err == nil || !strings.HasPrefix(err.Error(), "--selector: ") {
		t.Errorf("Selector error = %v, want one naming --selector", err)
	}
	if (&TrialFlags{}).Narrowed() {
		t.Error("Narrowed() = true without flags")
	}
	if sel, _ := (&TrialFlags{}).Selector("m"); sel != "mlexp.dev/experiment=m,!mlexp.dev/role" {
		t.Errorf("Selector without -l = %q", sel)
	}
}

func TestKeepJobs(t *testing.T) {
	js := []batchv1.Job{
		{ObjectMeta: metav1.ObjectMeta{Name: "a", Labels: map[string]string{"team": "vision"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "b", Labels: map[string]string{"team": "nlp"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "c"}},
	}
	f := TrialFlags{LabelSelector: "team in (vision,audio)"}
	got, err := f.KeepJobs(js)
	if err != nil || len(got) != 1 || got[0].Name != "a" {
		t.Errorf("KeepJobs = %v, %v; want job a", got, err)
	}
	if got, _ := (&TrialFlags{}).KeepJobs(js); len(got) != 3 {
		t.Errorf("no selector kept %d jobs", len(got))
	}
}
