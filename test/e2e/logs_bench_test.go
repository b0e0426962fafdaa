//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchLogsTrials and benchLogsLines size the experiment the logs
// benchmark reads: 56 finished pods of 2,000 lines each.
const (
	benchLogsTrials = 56
	benchLogsLines  = 2000
)

// benchLogsExperiment has benchLogsTrials trials, each printing
// benchLogsLines lines and ending; 10m of CPU each so they all fit.
func benchLogsExperiment() string {
	vals := make([]string, benchLogsTrials)
	for i := range vals {
		vals[i] = fmt.Sprint(i)
	}
	return fmt.Sprintf(`apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: loud
spec:
  parameters:
    grid:
      k: [%s]
  template:
    spec:
      backoffLimit: 0
      activeDeadlineSeconds: 900
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: %s
            imagePullPolicy: Never
            command: [sh, -c]
            args: ["seq 1 %d | sed 's/^/trial ${k} epoch 3 step /; s/$/ loss 0.2500 accuracy 0.9000/'"]
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 200m, memory: 16Mi}
`, strings.Join(vals, ", "), ToolboxImage, benchLogsLines)
}

// timedRun runs kubectl ARGS and returns its wall time and the number of
// lines it printed.
func timedRun(b *testing.B, args ...string) (time.Duration, int) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectlBin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	out, err := cmd.Output()
	d := time.Since(start)
	if err != nil {
		b.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return d, strings.Count(string(out), "\n")
}

// BenchmarkLogsVsKubectl reads the logs of 56 finished pods with
// `kubectl mlexp logs --all` and with `kubectl logs -l ... --prefix`,
// alternately, and reports the median wall times and their ratio (how many
// times faster the plugin is), once and with -f (both end when the logs
// are read, since every container has ended). kubectl reads the pods one
// after another without -f, and under its default client rate limit (5
// requests/s, burst 10) with or without -f; the plugin asks for 50/s. Run:
//
//	go test -tags e2e -run '^$' -bench LogsVsKubectl -benchtime 1x ./test/e2e
func BenchmarkLogsVsKubectl(b *testing.B) {
	ns := NewNamespace(b, "logsbench")
	MustMlexp(b, ns, "submit", "-f", WriteFile(b, "loud.yaml", benchLogsExperiment()))
	WaitFor(b, 15*time.Minute, "every trial to finish", func() (bool, string) {
		st, r := Status(b, ns, "loud")
		return r.Err == nil && st.Count("Succeeded") == benchLogsTrials, st.Describe() + r.Stderr
	})
	sel := "mlexp.dev/experiment=loud"
	n := fmt.Sprint(benchLogsTrials)
	pairs := []struct {
		name           string
		mlexp, kubectl []string
	}{
		{"once",
			[]string{"mlexp", "logs", "loud", "--all", "-n", ns},
			[]string{"logs", "-l", sel, "--prefix", "--tail=-1", "--max-log-requests=" + n, "-n", ns}},
		{"follow",
			[]string{"mlexp", "logs", "loud", "--all", "-f", "-n", ns},
			[]string{"logs", "-l", sel, "--prefix", "--tail=-1", "-f", "--max-log-requests=" + n, "-n", ns}},
	}
	const rounds = 5
	want := benchLogsTrials * benchLogsLines
	b.ResetTimer()
	for range b.N {
		for _, p := range pairs {
			var tm, tk []time.Duration
			for range rounds {
				d, lines := timedRun(b, p.mlexp...)
				if lines != want {
					b.Fatalf("%s: mlexp printed %d lines, want %d", p.name, lines, want)
				}
				tm = append(tm, d)
				d, lines = timedRun(b, p.kubectl...)
				if lines != want {
					b.Fatalf("%s: kubectl printed %d lines, want %d", p.name, lines, want)
				}
				tk = append(tk, d)
			}
			m, k := median(tm), median(tk)
			b.ReportMetric(m.Seconds(), "s/mlexp-"+p.name)
			b.ReportMetric(k.Seconds(), "s/kubectl-"+p.name)
			b.ReportMetric(k.Seconds()/m.Seconds(), "kubectl/mlexp-"+p.name)
			b.Logf("%s: mlexp %v, kubectl %v (medians of %d, alternating): kubectl/mlexp = %.2f",
				p.name, tm, tk, rounds, k.Seconds()/m.Seconds())
		}
	}
}

// median returns the middle of ds.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
