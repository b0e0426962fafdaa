package collect

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/kubectl/pkg/cmd/util/podcmd"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

var created = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// job returns trial Job name at index with params JSON, finished as state
// says ("ok", "fail" or "" for running), and extra annotations.
func job(name string, index int, paramsJSON, state string, ann map[string]string) *batchv1.Job {
	ended := map[string]kubefake.Option{"ok": kubefake.Complete(), "fail": kubefake.Failed("BackoffLimitExceeded")}[state]
	return kubefake.Job("ml", "mnist", name, kubefake.Created(created), kubefake.Index(index), kubefake.Params(paramsJSON), kubefake.Annotations(ann), ended)
}

// pod returns the pod of a trial in phase, its container "ml" terminated
// with message when the phase is final.
func pod(trialName string, phase corev1.PodPhase, message string) *corev1.Pod {
	return kubefake.Pod("ml", "mnist", trialName, trialName+"-x", kubefake.Created(created.Add(time.Second)),
		kubefake.Annotations(map[string]string{podcmd.DefaultContainerAnnotationName: "ml"}),
		kubefake.Containers(corev1.Container{Name: "sidecar"}, corev1.Container{Name: "ml"}), kubefake.Phase(phase, message))
}

// TestCollectRefreshReadsCurves checks that Refresh reads the log of a
// recorded trial again, so its curves come back, and that without it the
// record is used and no log is read.
func TestCollectRefreshReadsCurves(t *testing.T) {
	rec := `{"source":"log","pod":"a-x","metrics":{"test_accuracy":0.9}}`
	c := fake.NewClientset(job("a", 0, `{"lr":0.1}`, "ok", map[string]string{keys.Results: rec}), pod("a", corev1.PodSucceeded, ""))
	var reads int
	open := func(context.Context, string, string, string) (io.ReadCloser, error) {
		reads++
		return io.NopCloser(strings.NewReader("Epoch 1/2\nloss: 0.5\nEpoch 2/2\nloss: 0.25\nTest accuracy: 0.91\n")), nil
	}
	for _, refresh := range []bool{false, true} {
		reads = 0
		exp, err := Collect(context.Background(), Options{Client: c, Namespace: "ml", Experiment: "mnist", Refresh: refresh, OpenLog: open})
		if err != nil {
			t.Fatal(err)
		}
		it := exp.Items[0]
		wantReads, wantCurve, wantAcc := 0, 0, 0.9
		if refresh {
			wantReads, wantCurve, wantAcc = 1, 2, 0.91
		}
		if reads != wantReads || len(it.Curves["loss"]) != wantCurve || it.Metrics["test_accuracy"] != wantAcc {
			t.Errorf("refresh=%v: %d reads, loss curve %v, metrics %v", refresh, reads, it.Curves["loss"], it.Metrics)
		}
		if tab := exp.Rank("", ""); tab.Metric != "test_accuracy" || !tab.Rows[0].Best {
			t.Errorf("refresh=%v: ranked by %q, rows %+v", refresh, tab.Metric, tab.Rows)
		}
	}
	if _, err := Collect(context.Background(), Options{Client: c, Namespace: "ml", Experiment: "other"}); err == nil || !strings.Contains(err.Error(), `experiment "other" not found`) {
		t.Errorf("missing experiment: %v", err)
	}
}

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

func TestSpecNewestJobWins(t *testing.T) {
	old := job("a", 0, `{}`, "ok", map[string]string{ranking.SpecAnnotation: `{"metric":"old"}`})
	newer := job("b", 1, `{}`, "ok", map[string]string{ranking.SpecAnnotation: `{"metric":"new"}`})
	newer.CreationTimestamp = metav1.NewTime(created.Add(time.Hour))
	bad := job("c", 2, `{}`, "ok", map[string]string{ranking.SpecAnnotation: `{`})
	if got := Spec([]batchv1.Job{*old, *newer}, io.Discard); got.Metric != "new" {
		t.Errorf("spec = %+v, want the newest Job's", got)
	}
	var errOut strings.Builder
	if got := Spec([]batchv1.Job{*bad}, &errOut); !got.IsZero() || !strings.Contains(errOut.String(), "warning: Job c: annotation mlexp.dev/results-spec") {
		t.Errorf("spec = %+v, stderr %q", got, errOut.String())
	}
}
