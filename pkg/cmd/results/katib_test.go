package results

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// katibSpec is the results spec submit records for a Katib file: its
// objective, goal, additional metric and metricsFormat filter.
const katibSpec = `{"metric":"Validation-accuracy","goal":"max","target":0.85,"columns":["Train-accuracy"],"filters":["(\\w+-\\w+) is ([0-9.]+)"]}`

// katibExperiment is three finished trials of a Katib file whose trainers
// print Validation-accuracy in Katib's default form, Train-accuracy in the
// form of the file's filter only, and a metric of no interest.
func katibExperiment() (*fake.Clientset, *logs) {
	ann := map[string]string{keys.ResultsSpec: katibSpec}
	c := fake.NewClientset(
		job("mnist-aaaa", 0, `{"num-layers":1}`, "ok", ann),
		job("mnist-bbbb", 1, `{"num-layers":2}`, "ok", ann),
		job("mnist-cccc", 2, `{"num-layers":3}`, "ok", ann),
		pod("mnist-aaaa", corev1.PodSucceeded, ""),
		pod("mnist-bbbb", corev1.PodSucceeded, ""),
		pod("mnist-cccc", corev1.PodSucceeded, ""),
	)
	l := &logs{text: map[string]string{
		"mnist-aaaa-x": "Validation-accuracy=0.81\nTrain-accuracy is 0.90\nduration=3\n",
		"mnist-bbbb-x": "Validation-accuracy=0.93\nTrain-accuracy is 0.95\nduration=4\n",
		"mnist-cccc-x": "Validation-accuracy=0.86\n",
	}}
	return c, l
}

// A Katib file's objective ranks the trials however its name is written,
// its goal is marked and its additional metric leads the other columns.
func TestResultsKatibObjective(t *testing.T) {
	c, l := katibExperiment()
	out, _ := run(t, c, l, "--chart=false")
	want := `
RANK   TRIAL        NUM-LAYERS   STATE       VALIDATION-ACCURACY   GOAL      TRAIN-ACCURACY   DURATION
1*     mnist-bbbb   2            Succeeded   0.93                  reached   0.95             4
2      mnist-cccc   3            Succeeded   0.86                  reached   <none>           <none>
3      mnist-aaaa   1            Succeeded   0.81                  -         0.9              3
best: mnist-bbbb (num-layers=2) validation-accuracy=0.93; goal validation-accuracy>=0.85 reached by 2 of 3 trials
`
	if diff := cmp.Diff(strings.TrimPrefix(want, "\n"), out); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	for _, metric := range []string{"VALIDATION-ACCURACY", "validation-accuracy", "Validation-accuracy"} {
		js, _ := run(t, c, l, "--metric", metric, "-o", "json")
		var r ranking.Result
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			t.Fatal(err)
		}
		if r.Metric != "validation-accuracy" || r.Target == nil || float64(*r.Target) != 0.85 || r.Best != "mnist-bbbb" || !r.Trials[1].Reached {
			t.Errorf("--metric %s: metric %q, target %v, best %q", metric, r.Metric, r.Target, r.Best)
		}
	}
	// Ranking by another metric shows no goal: the goal is the objective's.
	other, _ := run(t, c, l, "--metric", "train-accuracy", "--chart=false")
	if strings.Contains(other, "GOAL") || strings.Contains(other, "goal") {
		t.Errorf("--metric train-accuracy shows the objective's goal:\n%s", other)
	}
}
