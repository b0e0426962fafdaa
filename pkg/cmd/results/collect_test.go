package results

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

func TestPlanReads(t *testing.T) {
	pending := pod("mnist-pppp", corev1.PodPending, "")
	pending.Status.ContainerStatuses[0].State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
	recorded := `{"source":"log","pod":"mnist-aaaa-x","metrics":{"test_accuracy":0.9}}`
	c := fake.NewClientset(
		job("mnist-aaaa", 0, `{}`, "ok", map[string]string{keys.Results: recorded}),
		pod("mnist-aaaa", corev1.PodSucceeded, ""),
		job("mnist-pppp", 1, `{}`, "", nil),
		pending,
	)
	l := &logs{text: map[string]string{"mnist-aaaa-x": "test_accuracy: 0.9\ntop5=0.99\n"}}
	run(t, c, l)
	if len(l.reads) != 0 {
		t.Errorf("reads %v: a recorded trial and a pod that has not started need none", l.reads)
	}
	// A pattern the record was not made with reads the log again, and
	// records the new metric with the patterns' key.
	out, _ := run(t, c, l, "--pattern", `top5=(?P<top5>[0-9.]+)`, "--chart=false")
	if diff := cmp.Diff([]string{"ml/mnist-aaaa-x/ml"}, l.reads); diff != "" {
		t.Errorf("reads (-want +got):\n%s", diff)
	}
	if !strings.Contains(out, "TOP5") {
		t.Errorf("no top5 column:\n%s", out)
	}
	j, err := c.BatchV1().Jobs("ml").Get(context.Background(), "mnist-aaaa", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ranking.DecodeRecord(j.Annotations[keys.Results])
	if err != nil {
		t.Fatal(err)
	}
	if rec.Patterns != ranking.PatternsKey([]string{`top5=(?P<top5>[0-9.]+)`}) || float64(rec.Metrics["top5"]) != 0.99 {
		t.Errorf("record = %+v", rec)
	}
}

func TestResultsJSONCurves(t *testing.T) {
	c := fake.NewClientset(job("k", 0, `{"lr":0.1}`, "ok", nil), pod("k", corev1.PodSucceeded, ""))
	keras := `Epoch 1/2
469/469 [==============================] - 2s 4ms/step - loss: 0.2466 - accuracy: 0.9243 - val_loss: 0.1091 - val_accuracy: 0.9667
Epoch 2/2
469/469 [==============================] - 2s 4ms/step - loss: nan - accuracy: 0.9712 - val_loss: 0.0811 - val_accuracy: 0.9750
Test loss: 0.0790
Test accuracy: 0.9761
`
	out, _ := run(t, c, &logs{text: map[string]string{"k-x": keras}}, "-o", "json")
	var r ranking.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if r.Best != "k" || r.Metric != "test_accuracy" || len(r.Trials) != 1 {
		t.Fatalf("result = %+v", r)
	}
	tr := r.Trials[0]
	want := []ranking.CurvePoint{{Step: 1, Line: 2, Value: 0.2466}, {Step: 2, Line: 4, Value: ranking.Value(math.NaN())}}
	if diff := cmp.Diff(want, tr.Curves["loss"], cmp.Comparer(func(a, b ranking.Value) bool {
		return a == b || math.IsNaN(float64(a)) && math.IsNaN(float64(b))
	})); diff != "" {
		t.Errorf("loss curve (-want +got):\n%s", diff)
	}
	if len(tr.Metrics) != 6 || float64(*tr.Value) != 0.9761 {
		t.Errorf("metrics = %v, value %v", tr.Metrics, *tr.Value)
	}
}
