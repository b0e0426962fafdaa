package wait

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// finished returns a fake cluster with n finished trials, one in ten OOMKilled.
func finished(n int) *fake.Clientset {
	trials := make([]kubefake.Trial, n)
	for i := range trials {
		state := "Succeeded"
		if i%10 == 0 {
			state = "OOMKilled"
		}
		trials[i] = kubefake.Trial{Name: fmt.Sprintf("big-%08x", i), Index: i, Params: fmt.Sprintf(`{"i":%d}`, i), State: state, Memory: "32Mi"}
	}
	return fake.NewClientset(kubefake.Experiment("ml", "big", trials...)...)
}

func waitOnce(tb testing.TB, c *fake.Clientset) {
	var out, errOut bytes.Buffer
	cmd := NewCmdWait(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"big", "--for=finished"})
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		tb.Fatalf("wait: %v\n%s", err, errOut.String())
	}
}

// TestWaitCallsDoNotGrowWithTrials: the same List and watch calls for 10
// trials as for 1000.
func TestWaitCallsDoNotGrowWithTrials(t *testing.T) {
	var calls []string
	for _, n := range []int{10, 1000} {
		c := finished(n)
		waitOnce(t, c)
		calls = append(calls, kubefake.Format(kubefake.Calls(c)))
	}
	if calls[0] != calls[1] {
		t.Errorf("calls for 10 trials: %s\ncalls for 1000 trials: %s", calls[0], calls[1])
	}
	t.Logf("wait over 10 or 1000 finished trials: %s", calls[1])
}

// BenchmarkWait1000FinishedTrials reports the requests and time of a wait
// over 1000 finished trials.
func BenchmarkWait1000FinishedTrials(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		c := finished(1000)
		b.StartTimer()
		waitOnce(b, c)
		b.StopTimer()
		counts := kubefake.Calls(c)
		b.ReportMetric(float64(kubefake.Reads(counts)), "reads/op")
		b.ReportMetric(float64(counts["list jobs"]+counts["list pods"]), "lists/op")
		b.ReportMetric(float64(counts["watch jobs"]+counts["watch pods"]), "watches/op")
		b.StartTimer()
	}
}
