package results

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

func TestEachLine(t *testing.T) {
	long := strings.Repeat("x", maxLineBytes+10)
	cases := map[string]struct {
		in   string
		want []string
	}{
		"lines":                     {in: "a\nb\n", want: []string{"a", "b"}},
		"no final newline":          {in: "a\nb", want: []string{"a", "b"}},
		"crlf":                      {in: "a\r\nb\r\n", want: []string{"a", "b"}},
		"empty lines kept":          {in: "a\n\nb\n", want: []string{"a", "", "b"}},
		"empty":                     {in: "", want: nil},
		"overlong line is cut":      {in: long + "\nnext\n", want: []string{long[:maxLineBytes], "next"}},
		"overlong line without end": {in: "first\n" + long, want: []string{"first", long[:maxLineBytes]}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			if err := eachLine(iotest.HalfReader(strings.NewReader(tc.in)), func(l string) { got = append(got, l) }); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if err := eachLine(iotest.ErrReader(context.DeadlineExceeded), func(string) {}); err != context.DeadlineExceeded {
		t.Errorf("error = %v, want the reader's", err)
	}
}

func TestTerminationMetrics(t *testing.T) {
	parser, err := logmetrics.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		msg  string
		want map[string]string
	}{
		"trainer JSON":          {msg: `{"test_loss":0.0634,"test_accuracy":0.9812}` + "\n", want: map[string]string{"test_loss": "0.0634", "test_accuracy": "0.9812"}},
		"null is NaN":           {msg: `{"test_loss":null,"test_accuracy":0.1}`, want: map[string]string{"test_loss": "NaN", "test_accuracy": "0.1"}},
		"names as logs name":    {msg: `{"Test Accuracy":0.5,"epoch":3,"model":"m1","ok":true,"h":[1]}`, want: map[string]string{"test_accuracy": "0.5"}},
		"log tail on error":     {msg: "Epoch 2/2\nloss: 0.5 - accuracy: 0.8\nTraceback (most recent call last):\n", want: map[string]string{"loss": "0.5", "accuracy": "0.8"}},
		"JSON wins over a line": {msg: "test_accuracy: 0.2\n{\"test_accuracy\": 0.3}", want: map[string]string{"test_accuracy": "0.3"}},
		"nothing":               {msg: "OOMKilled\n", want: nil},
		"empty":                 {msg: "", want: nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := pod("t", corev1.PodFailed, tc.msg)
			got := terminationMetrics(p, "ml", parser)
			var gotS map[string]string
			if got != nil {
				gotS = map[string]string{}
				for k, v := range got {
					gotS[k] = ranking.FormatExact(v)
				}
			}
			if diff := cmp.Diff(tc.want, gotS); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Another container's message is not the trainer's.
	if got := terminationMetrics(pod("t", corev1.PodFailed, `{"a":1}`), "sidecar", parser); got != nil {
		t.Errorf("sidecar: %v", got)
	}
}

func TestPlanReads(t *testing.T) {
	pending := pod("mnist-pppp", corev1.PodPending, "")
	pending.Status.ContainerStatuses[0].State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
	recorded := `{"source":"log","pod":"mnist-aaaa-x","metrics":{"test_accuracy":0.9}}`
	c := fake.NewClientset(
		job("mnist-aaaa", 0, `{}`, "ok", map[string]string{labels.Results: recorded}),
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
	rec, err := ranking.DecodeRecord(j.Annotations[labels.Results])
	if err != nil {
		t.Fatal(err)
	}
	if rec.Patterns != ranking.PatternsKey([]string{`top5=(?P<top5>[0-9.]+)`}) || float64(rec.Metrics["top5"]) != 0.99 {
		t.Errorf("record = %+v", rec)
	}
}

func TestSpecNewestJobWins(t *testing.T) {
	old := job("a", 0, `{}`, "ok", map[string]string{ranking.SpecAnnotation: `{"metric":"old"}`})
	newer := job("b", 1, `{}`, "ok", map[string]string{ranking.SpecAnnotation: `{"metric":"new"}`})
	newer.CreationTimestamp = metav1.NewTime(created.Add(time.Hour))
	bad := job("c", 2, `{}`, "ok", map[string]string{ranking.SpecAnnotation: `{`})
	o := &Options{}
	if got := o.spec([]batchv1.Job{*old, *newer}); got.Metric != "new" {
		t.Errorf("spec = %+v, want the newest Job's", got)
	}
	var errOut strings.Builder
	o.ErrOut = &errOut
	if got := o.spec([]batchv1.Job{*bad}); !got.IsZero() || !strings.Contains(errOut.String(), "warning: Job c: annotation mlexp.dev/results-spec") {
		t.Errorf("spec = %+v, stderr %q", got, errOut.String())
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
