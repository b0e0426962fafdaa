//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// katibExperiment is a Katib Experiment as a Katib user writes one: a grid
// over a parameter whose name has a dash and a categorical one, capped by
// maxTrialCount at 3 of the 4 combinations, the objective's goal 0.85,
// trials that print Validation-accuracy=... lines. Its first container is
// a sidecar printing a better accuracy than any trial: results must read
// the primary container's log, not the first. NAMESPACE is the test's.
const katibExperiment = `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: katib-e2e
  namespace: NAMESPACE
spec:
  objective:
    type: maximize
    goal: 0.85
    objectiveMetricName: Validation-accuracy
    additionalMetricNames:
      - Train-accuracy
  algorithm:
    algorithmName: grid
  parallelTrialCount: 2
  maxTrialCount: 3
  parameters:
    - name: num-layers
      parameterType: int
      feasibleSpace:
        min: "1"
        max: "2"
    - name: optimizer
      parameterType: categorical
      feasibleSpace:
        list: ["sgd", "adam"]
  trialTemplate:
    primaryContainerName: training
    trialParameters:
      - name: layers
        reference: num-layers
      - name: opt
        reference: optimizer
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: sidecar
                image: ` + ToolboxImage + `
                imagePullPolicy: Never
                command: [sh, -c, "echo Validation-accuracy=0.999"]
                resources: {requests: {cpu: 10m, memory: 8Mi}, limits: {memory: 16Mi}}
              - name: training
                image: ` + ToolboxImage + `
                imagePullPolicy: Never
                command:
                  - sh
                  - -c
                  - |
                    echo "epoch 1: Validation-accuracy=0.5000 Train-accuracy=0.6000"
                    case "${trialParameters.layers}-${trialParameters.opt}" in
                      1-sgd) a=0.81 ;;
                      1-adam) a=0.86 ;;
                      2-sgd) a=0.93 ;;
                      *) a=0.70 ;;
                    esac
                    echo "epoch 2: Validation-accuracy=$a Train-accuracy=0.9900"
                resources: {requests: {cpu: 50m, memory: 16Mi}, limits: {memory: 32Mi}}
`

// TestKatibExperimentRanksByObjective submits a Katib-format experiment,
// waits for its trials, and checks that results ranks them by the
// objective read from the primary container, with the goal marked; that a
// parameter with a dash selects trials; that report, events and delete work
// on it; and that a -n other than the file's namespace is refused.
func TestKatibExperimentRanksByObjective(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "katib")
	file := WriteFile(t, "katib.yaml", strings.Replace(katibExperiment, "NAMESPACE", ns, 1))

	other := WriteFile(t, "other.yaml", strings.Replace(katibExperiment, "NAMESPACE", "kubeflow", 1))
	if r := Mlexp(t, ns, "submit", "-f", other); r.Err == nil ||
		!strings.Contains(r.Stderr, `the namespace from the provided object "kubeflow" does not match the namespace "`+ns+`". You must pass '--namespace=kubeflow' to perform this operation.`) {
		t.Fatalf("submit with -n %s of a file in kubeflow: want kubectl's namespace error, got %s", ns, r)
	}

	r := MustMlexp(t, ns, "submit", "-f", file)
	if n := strings.Count(r.Stdout, " created\n"); n != 3 {
		t.Fatalf("submit created %d trials, want maxTrialCount 3:\n%s", n, r)
	}
	if !strings.Contains(r.Stderr, "parallelTrialCount 2 is not enforced") {
		t.Errorf("submit does not say parallelTrialCount is not enforced:\n%s", r.Stderr)
	}
	WaitFor(t, 5*time.Minute, "3 trials to succeed", func() (bool, string) {
		s, r := Status(t, ns, "katib-e2e")
		if r.Err != nil {
			return false, r.String()
		}
		return len(s.Trials) == 3 && s.Count("Succeeded") == 3, s.Describe()
	})

	out := MustMlexp(t, ns, "results", "katib-e2e", "-o", "json")
	var res ranking.Result
	if err := json.Unmarshal([]byte(out.Stdout), &res); err != nil {
		t.Fatalf("results -o json: %v\n%s", err, out)
	}
	if res.Metric != "validation-accuracy" || res.Goal != ranking.Max || res.Target == nil || float64(*res.Target) != 0.85 {
		t.Errorf("ranked by %s %s, target %v; want validation-accuracy max with the goal 0.85", res.Metric, res.Goal, res.Target)
	}
	type row struct {
		Trial   string
		Value   float64
		Reached bool
	}
	var got []row
	for _, tr := range res.Trials {
		layers, _ := tr.Params.Get("num-layers")
		opt, _ := tr.Params.Get("optimizer")
		v := -1.0
		if tr.Value != nil {
			v = float64(*tr.Value)
		}
		got = append(got, row{strings.Join([]string{ranking.FormatValue(toFloat(layers)), opt.(string)}, "-"), v, tr.Reached})
		if _, ok := tr.Metrics["train-accuracy"]; !ok {
			t.Errorf("%s: no train-accuracy in %v", tr.Name, tr.Metrics)
		}
	}
	want := []row{{"2-sgd", 0.93, true}, {"1-adam", 0.86, true}, {"1-sgd", 0.81, false}}
	if len(got) != len(want) {
		t.Fatalf("results: %+v, want %+v (the sidecar's 0.999 must not count)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v (all: %+v)", i, got[i], want[i], got)
		}
	}
	if !res.Trials[0].Best || res.Best != res.Trials[0].Name {
		t.Errorf("best %q, first row %+v", res.Best, res.Trials[0])
	}

	table := MustMlexp(t, ns, "results", "katib-e2e", "--metric", "Validation-accuracy").Stdout
	head := strings.Fields(strings.SplitN(table, "\n", 2)[0])
	if strings.Join(head, " ") != "RANK TRIAL NUM-LAYERS OPTIMIZER STATE VALIDATION-ACCURACY GOAL TRAIN-ACCURACY" {
		t.Errorf("results header %q", head)
	}
	marked := 0
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] != "best:" && strings.Contains(line, " reached ") {
			marked++
		}
	}
	if !strings.Contains(table, "; goal validation-accuracy>=0.85 reached by 2 of 3 trials") || marked != 2 {
		t.Errorf("results does not mark the 2 trials that reached the goal:\n%s", table)
	}
	t.Logf("results:\n%s", table)

	logs := MustMlexp(t, ns, "logs", "katib-e2e", "--param-selector", "num-layers=2", "--tail", "1").Stdout
	if !strings.HasSuffix(strings.TrimSpace(logs), "epoch 2: Validation-accuracy=0.93 Train-accuracy=0.9900") || strings.Count(logs, "\n") != 1 {
		t.Errorf("logs --param-selector num-layers=2 --tail 1: want the last line of the 2-sgd trial's training container, got %q", logs)
	}

	// The other verbs work on it as on any experiment.
	page := MustMlexp(t, ns, "report", "katib-e2e", "--output-file", "-").Stdout
	for _, want := range []string{"validation-accuracy", "num-layers", res.Best} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	MustMlexp(t, ns, "events", "katib-e2e")
	MustMlexp(t, ns, "delete", "katib-e2e")
	if r := Mlexp(t, ns, "status", "katib-e2e"); r.Err == nil {
		t.Errorf("status after delete: %s", r)
	}
}

// toFloat returns a JSON number parameter as a float64.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return -1
}
