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
