package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
)

// benchFile returns an experiment file of n = 3 * rows trials, shaped like
// the seed's: 3 models crossed with rows of (epochs, activation, dropout).
func benchFile(rows int) string {
	var b strings.Builder
	b.WriteString(`apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: bench}
spec:
  parameters:
    grid:
      model: [model01, model02, model03]
    list:
`)
	acts := []string{"softmax", "relu", "tanh", "linear", "selu", "elu", "sigmoid", "softsign"}
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "      - {epochs: %d, activation: %s, dropout: 0.%d}\n", 10+i/len(acts), acts[i%len(acts)], 2+i%8)
	}
	b.WriteString(`  template:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: ml
            image: registry.example.com/k8s-ml:${model}
            command: [python, train.py]
            args: ["${epochs}", "${activation}", "${dropout}"]
            resources:
              limits: {cpu: "1", memory: 6Gi}
`)
	return b.String()
}

// BenchmarkRender renders the seed-sized experiment (24 trials) and a
// large one (10,000 trials, well, 3 x 3334 = 10,002).
func BenchmarkRender(b *testing.B) {
	for _, tc := range []struct {
		name string
		rows int
	}{{"24", 8}, {"10000", 3334}} {
		b.Run(tc.name, func(b *testing.B) {
			exp, err := experiment.Parse("bench.yaml", []byte(benchFile(tc.rows)), experiment.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				trials, _, err := Render(exp)
				if err != nil {
					b.Fatal(err)
				}
				if len(trials) != 3*tc.rows {
					b.Fatalf("got %d trials", len(trials))
				}
			}
		})
	}
}

// katibBenchFile is a Katib Experiment of 100 x 100 = 10,000 grid trials,
// or its first limit when limit > 0.
func katibBenchFile(limit int) string {
	max := ""
	if limit > 0 {
		max = fmt.Sprintf("  maxTrialCount: %d\n", limit)
	}
	return `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: bench}
spec:
  objective: {type: maximize, objectiveMetricName: Validation-accuracy}
  algorithm: {algorithmName: grid}
` + max + `  parameters:
    - {name: num-layers, parameterType: int, feasibleSpace: {min: "1", max: "100"}}
    - {name: lr, parameterType: double, feasibleSpace: {min: "0.01", max: "1", step: "0.01"}}
  trialTemplate:
    primaryContainerName: training
    trialParameters: [{name: layers, reference: num-layers}, {name: lr, reference: lr}]
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
            - name: training
              image: registry.example.com/k8s-ml:latest
              command: [python, train.py, "--layers=${trialParameters.layers}", "--lr=${trialParameters.lr}"]
              resources: {limits: {cpu: "1", memory: 6Gi}}
`
}

// BenchmarkKatib reads and renders a Katib file of 10,000 trials, and the
// same experiment written in the native format (what convert prints): the
// Katib reader's exact decimal steps cost next to nothing beside rendering.
func BenchmarkKatib(b *testing.B) {
	katib := []byte(katibBenchFile(0))
	exp, err := experiment.Parse("bench.yaml", katib, experiment.Options{})
	if err != nil {
		b.Fatal(err)
	}
	native, err := experiment.MarshalNative(exp, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{{"katib", katib}, {"native", native}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				exp, err := experiment.Parse("bench.yaml", tc.data, experiment.Options{})
				if err != nil {
					b.Fatal(err)
				}
				trials, _, err := Render(exp)
				if err != nil || len(trials) != 10000 {
					b.Fatalf("%d trials, %v", len(trials), err)
				}
			}
		})
	}
}
