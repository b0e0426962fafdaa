package results

import (
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

func TestResultsSaysWhichTrialsAreGone(t *testing.T) {
	ttl := int32(60)
	count := map[string]string{keys.TrialCount: "4"}
	a, d := job("mnist-aaaa", 0, `{"act":"relu"}`, "", count), job("mnist-dddd", 3, `{"act":"tanh"}`, "", count)
	a.Spec.TTLSecondsAfterFinished, d.Spec.TTLSecondsAfterFinished = &ttl, &ttl
	c := fake.NewClientset(a, d)
	_, errOut := run(t, c, &logs{}, "--no-record")
	want := "2 of 4 trials have no Job any more (index 1, 2): deleted 60s after they finished (ttlSecondsAfterFinished), or by delete, with their logs and recorded metrics; submitting the experiment file again runs them again\n"
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
	}
	// Every trial there: nothing said.
	c = fake.NewClientset(job("mnist-aaaa", 0, `{}`, "", map[string]string{keys.TrialCount: "1"}))
	if _, errOut = run(t, c, &logs{}, "--no-record"); strings.Contains(errOut, "no Job") {
		t.Errorf("stderr speaks of missing trials:\n%s", errOut)
	}
}
