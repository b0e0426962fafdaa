//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// bigExperiment has n trials whose Jobs are suspended, so the API server
// and the plugin do all their work but the node runs no pod.
func bigExperiment(n int) string {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprint(i)
	}
	return fmt.Sprintf(`apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: big
spec:
  parameters:
    grid:
      i: [%s]
  template:
    spec:
      suspend: true
      template:
        spec:
          containers:
          - name: ml
            image: %s
            command: [sh, -c, "echo ${i}"]
            resources:
              limits: {cpu: 10m, memory: 16Mi}
`, strings.Join(vals, ", "), ToolboxImage)
}

// BenchmarkSubmit1000 measures, against the real API server, the wall time
// of submitting 1000 trials, of re-submitting them unchanged, of status and
// of list. Run: go test -tags e2e -run '^$' -bench Submit1000 -benchtime 1x ./test/e2e
func BenchmarkSubmit1000(b *testing.B) {
	const n = 1000
	file := WriteFile(b, "big.yaml", bigExperiment(n))
	for i := 0; i < b.N; i++ {
		ns := NewNamespace(b, "bench")
		timed := func(metric string, args ...string) {
			t0 := time.Now()
			MustMlexp(b, ns, args...)
			b.ReportMetric(time.Since(t0).Seconds(), metric)
		}
		timed("s/submit", "submit", "-f", file)
		timed("s/resubmit", "submit", "-f", file)
		timed("s/status", "status", "big")
		timed("s/list", "list")
		timed("s/delete", "delete", "big")
	}
}
