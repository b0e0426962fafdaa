//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// resultsExperiment has four trials of the toolbox image that print
// Keras-like epoch lines and "Test accuracy: 0.<acc>"; the one with
// say=term prints no metric and only writes its termination message.
const resultsExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: ranked
spec:
  parameters:
    list:
      - {acc: 91, say: log}
      - {acc: 97, say: log}
      - {acc: 94, say: log}
      - {acc: 93, say: term}
  template:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c]
            args:
            - |
              if [ ${say} = log ]; then
                echo "Epoch 1/2"
                echo "469/469 [==============================] - 1s 2ms/step - loss: 0.5012 - accuracy: 0.8${acc} - val_loss: 0.4000 - val_accuracy: 0.8500"
                echo "Epoch 2/2"
                echo "469/469 [==============================] - 1s 2ms/step - loss: 0.2012 - accuracy: 0.9${acc} - val_loss: 0.2000 - val_accuracy: 0.9000"
                echo "Test loss: 0.1${acc}"
                echo "Test accuracy: 0.${acc}"
              else
                echo "training quietly"
              fi
              echo '{"test_loss": 0.2, "test_accuracy": 0.${acc}}' > /dev/termination-log
            resources:
              requests: {cpu: 50m, memory: 16Mi}
              limits: {memory: 32Mi}
`

// results runs `kubectl mlexp results EXP -o json` and decodes it.
func results(t *testing.T, ns, exp string) ranking.Result {
	t.Helper()
	r := MustMlexp(t, ns, "results", exp, "-o", "json")
	var res ranking.Result
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("results -o json: %v\n%s", err, r)
	}
	return res
}

// accOf returns a trial's acc parameter.
func accOf(p params.Params) int64 {
	v, _ := p.Get("acc")
	i, _ := v.(int64)
	return i
}

// TestResultsRanksAndOutlivesPods runs four trials to the end, checks that
// results ranks them by test_accuracy (one from its termination message),
// records them on the Jobs, and still shows the best after its pod is deleted.
func TestResultsRanksAndOutlivesPods(t *testing.T) {
	ns := NewNamespace(t, "results")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "ranked.yaml", resultsExperiment))
	WaitFor(t, 5*time.Minute, "4 trials to succeed", func() (bool, string) {
		s, r := Status(t, ns, "ranked")
		if r.Err != nil {
			return false, r.String()
		}
		return len(s.Trials) == 4 && s.Count("Succeeded") == 4, s.Describe()
	})

	res := results(t, ns, "ranked")
	if res.Metric != "test_accuracy" || res.Goal != ranking.Max {
		t.Errorf("ranked by %s %s, want test_accuracy max", res.Metric, res.Goal)
	}
	var order []int64
	for _, tr := range res.Trials {
		order = append(order, accOf(tr.Params))
		if tr.FromRecord {
			t.Errorf("%s: read from a record on the first run", tr.Name)
		}
		wantSource := ranking.SourceLog
		if accOf(tr.Params) == 93 {
			wantSource = ranking.SourceTerminationMessage
		}
		if tr.Source != wantSource {
			t.Errorf("%s (acc %d): source %q, want %q", tr.Name, accOf(tr.Params), tr.Source, wantSource)
		}
	}
	if got, want := order, []int64{97, 94, 93, 91}; !equal(got, want) {
		t.Fatalf("trials ranked by acc %v, want %v", got, want)
	}
	best := res.Trials[0]
	if res.Best != best.Name || !best.Best || best.Value == nil || float64(*best.Value) != 0.97 {
		t.Errorf("best = %q, first row %+v; want the acc 97 trial with 0.97", res.Best, best)
	}
	if n := len(best.Curves["loss"]); n != 2 {
		t.Errorf("best trial's loss curve has %d points, want 2: %v", n, best.Curves)
	}

	// Every finished trial's metrics are now on its Job.
	jobs, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{LabelSelector: keys.ForExperiment("ranked")})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs.Items {
		rec, err := ranking.DecodeRecord(j.Annotations[keys.Results])
		if err != nil || len(rec.Metrics) == 0 {
			t.Errorf("Job %s: results annotation %q: %v", j.Name, j.Annotations[keys.Results], err)
		}
	}

	// The pod of the best trial goes; its recorded result stays.
	pod := best.Pod
	if r := Kubectl(t, ns, "delete", "pod", pod, "--wait=true"); r.Err != nil {
		t.Fatalf("delete pod %s: %s", pod, r)
	}
	WaitFor(t, time.Minute, "pod "+pod+" to be gone", func() (bool, string) {
		_, err := client.CoreV1().Pods(ns).Get(context.Background(), pod, metav1.GetOptions{})
		return apierrors.IsNotFound(err), "pod still there: " + pod
	})
	after := results(t, ns, "ranked")
	top := after.Trials[0]
	if top.Name != best.Name || !top.PodGone || !top.FromRecord || top.Value == nil || float64(*top.Value) != 0.97 {
		t.Errorf("after deleting its pod the top row is %+v; want %s with its recorded 0.97", top, best.Name)
	}
	for _, tr := range after.Trials {
		if !tr.FromRecord {
			t.Errorf("%s was read again although its metrics were recorded", tr.Name)
		}
	}
	table := MustMlexp(t, ns, "results", "ranked").Stdout
	if !strings.Contains(table, "best: "+best.Name+" (acc=97, say=log) test_accuracy=0.97") {
		t.Errorf("table lacks the best line:\n%s", table)
	}
	t.Logf("results:\n%s", table)
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
