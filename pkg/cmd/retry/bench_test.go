package retry

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// failedTrials returns a fake cluster with n OOMKilled trials and n
// succeeded ones, and a node.
func failedTrials(n int) *fake.Clientset {
	trials := make([]kubefake.Trial, 0, 2*n)
	for i := range 2 * n {
		state := "Succeeded"
		if i%2 == 0 {
			state = "OOMKilled"
		}
		trials = append(trials, kubefake.Trial{Name: fmt.Sprintf("big-%08x", i), Index: i, Params: fmt.Sprintf(`{"i":%d}`, i), State: state, Memory: "32Mi"})
	}
	c := fake.NewClientset(append(kubefake.Experiment("ml", "big", trials...), node("node1", "16Gi"))...)
	kubefake.AllowAll(c)
	return c
}

func retryOnce(tb testing.TB, c *fake.Clientset, args ...string) {
	var out, errOut bytes.Buffer
	cmd := NewCmdRetry(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(append([]string{"big"}, args...))
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		tb.Fatalf("retry: %v\n%s", err, errOut.String())
	}
}

// TestRetryReadsDoNotGrowWithTrials: the same List and watch calls to
// retry 10 trials as 300 (BenchmarkRetry1000OOMKilledTrials shows 1000;
// the fake clientset's creates are slow); writes are one delete and one
// create each.
func TestRetryReadsDoNotGrowWithTrials(t *testing.T) {
	var reads []string
	for _, n := range []int{10, 300} {
		c := failedTrials(n)
		retryOnce(t, c)
		counts := kubefake.Calls(c)
		if counts["delete jobs"] != n || counts["create jobs"] != n {
			t.Errorf("%d trials: %d deletes and %d creates, want %d each", n, counts["delete jobs"], counts["create jobs"], n)
		}
		delete(counts, "delete jobs")
		delete(counts, "create jobs")
		reads = append(reads, kubefake.Format(counts))
	}
	if reads[0] != reads[1] {
		t.Errorf("reads for 10 trials: %s\nreads for 1000 trials: %s", reads[0], reads[1])
	}
	t.Logf("retry of 10 or 300 OOMKilled trials (of twice as many): %s, plus one delete and one create per trial", reads[1])
}

// BenchmarkRetry1000OOMKilledTrials reports the requests and time of a
// retry of 1000 OOMKilled trials among 2000.
func BenchmarkRetry1000OOMKilledTrials(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		c := failedTrials(1000)
		b.StartTimer()
		retryOnce(b, c)
		b.StopTimer()
		counts := kubefake.Calls(c)
		b.ReportMetric(float64(kubefake.Reads(counts)), "reads/op")
		b.ReportMetric(float64(counts["list jobs"]+counts["list pods"]+counts["list nodes"]), "lists/op")
		b.ReportMetric(float64(counts["watch jobs"]), "watches/op")
		b.ReportMetric(float64(counts["delete jobs"]+counts["create jobs"]), "writes/op")
		b.StartTimer()
	}
}

// BenchmarkRetryDryRun1000 reports a client dry run over 1000 OOMKilled
// trials: the Lists only.
func BenchmarkRetryDryRun1000(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		c := failedTrials(1000)
		b.StartTimer()
		retryOnce(b, c, "--dry-run=client", "-o", "name")
		b.StopTimer()
		b.ReportMetric(float64(kubefake.Reads(kubefake.Calls(c))), "reads/op")
		b.StartTimer()
	}
}
