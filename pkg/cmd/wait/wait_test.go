package wait

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func clientWith(trials ...kubefake.Trial) *fake.Clientset {
	return fake.NewClientset(kubefake.Experiment("ml", "oom", trials...)...)
}

var (
	hog = kubefake.Trial{Name: "oom-aaaaaaaa", Index: 0, Params: `{"run":"hog"}`, State: "OOMKilled", Memory: "32Mi"}
	ok1 = kubefake.Trial{Name: "oom-bbbbbbbb", Index: 1, Params: `{"run":"ok1"}`, State: "Succeeded"}
	ok2 = kubefake.Trial{Name: "oom-cccccccc", Index: 2, Params: `{"run":"ok2"}`, State: "Succeeded"}
)

func run(t *testing.T, c *fake.Clientset, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmdWait(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestWaitExitsOneNamingTheFailedTrial(t *testing.T) {
	out, errOut, err := run(t, clientWith(hog, ok1, ok2), "oom")
	want := "oom-aaaaaaaa failed: OOMKilled at limit 32Mi (exit 137) [run=hog]\n" +
		"oom-bbbbbbbb succeeded in 59s [run=ok1]\n" +
		"oom-cccccccc succeeded in 59s [run=ok2]\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if common.ExitCode(err) != 1 || err.Error() != "1 of 3 trials failed: oom-aaaaaaaa (OOMKilled at limit 32Mi (exit 137))" {
		t.Errorf("err = %v (exit %d)", err, common.ExitCode(err))
	}
	if !strings.Contains(errOut, "3 trials: 2 succeeded, 1 oomkilled") {
		t.Errorf("stderr lacks the summary:\n%s", errOut)
	}
}

func TestWaitExitsZero(t *testing.T) {
	if _, _, err := run(t, clientWith(ok1, ok2), "oom"); err != nil {
		t.Errorf("all succeeded: %v", err)
	}
	if _, _, err := run(t, clientWith(hog, ok1), "oom", "--for=finished"); err != nil {
		t.Errorf("--for=finished with a failure: %v", err)
	}
	if _, _, err := run(t, clientWith(hog, ok1), "oom", "--param-selector", "run=ok1"); err != nil {
		t.Errorf("narrowed to the trial that succeeded: %v", err)
	}
}

func TestWaitTimesOutWithExitTwo(t *testing.T) {
	slow := kubefake.Trial{Name: "oom-dddddddd", Index: 3, State: "Pending"}
	_, _, err := run(t, clientWith(ok1, slow), "oom", "--timeout", "300ms")
	if common.ExitCode(err) != 2 || !strings.HasPrefix(err.Error(), "timed out waiting for the condition on experiment/oom: 1 of 2 trials have not finished: oom-dddddddd (Pending: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.)") {
		t.Errorf("err = %v (exit %d)", err, common.ExitCode(err))
	}
	// A failure already seen wins over the timeout.
	_, _, err = run(t, clientWith(hog, slow), "oom", "--timeout", "300ms")
	if common.ExitCode(err) != 1 || !strings.Contains(err.Error(), "1 of 2 trials failed: oom-aaaaaaaa") || !strings.Contains(err.Error(), "1 not finished") {
		t.Errorf("failure and timeout: err = %v (exit %d)", err, common.ExitCode(err))
	}
	// --fail-fast does not wait for the timeout.
	start := time.Now()
	_, _, err = run(t, clientWith(hog, slow), "oom", "--fail-fast", "--timeout", "20s")
	if common.ExitCode(err) != 1 || time.Since(start) > 10*time.Second {
		t.Errorf("--fail-fast: err = %v after %v", err, time.Since(start))
	}
}

func TestWaitFollowsTrialsToTheirEnd(t *testing.T) {
	c := clientWith(ok1, kubefake.Trial{Name: "oom-dddddddd", Index: 3, State: "Running"}, kubefake.Trial{Name: "oom-eeeeeeee", Index: 4, State: "Running"})
	ctx := context.Background()
	go func() {
		time.Sleep(300 * time.Millisecond)
		j, err := c.BatchV1().Jobs("ml").Get(ctx, "oom-dddddddd", metav1.GetOptions{})
		if err != nil {
			return
		}
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
		_, _ = c.BatchV1().Jobs("ml").UpdateStatus(ctx, j, metav1.UpdateOptions{})
		time.Sleep(300 * time.Millisecond)
		_ = c.BatchV1().Jobs("ml").Delete(ctx, "oom-eeeeeeee", metav1.DeleteOptions{})
	}()
	out, _, err := run(t, c, "oom", "--timeout", "20s")
	if common.ExitCode(err) != 1 || !strings.Contains(err.Error(), "oom-eeeeeeee (Deleted)") {
		t.Errorf("err = %v (exit %d), want the deleted trial named as failed", err, common.ExitCode(err))
	}
	for _, want := range []string{"oom-bbbbbbbb succeeded", "oom-dddddddd succeeded", "oom-eeeeeeee failed: Deleted"} {
		if strings.Count(out, want) != 1 {
			t.Errorf("stdout has %q %d times, want once:\n%s", want, strings.Count(out, want), out)
		}
	}
}

func TestWaitErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"missing experiment": {[]string{"zzz"}, `experiment "zzz" not found in namespace "ml"`},
		"unknown trial":      {[]string{"oom", "--trial", "ffffffff"}, "no trial oom-ffffffff in experiment"},
		"bad condition":      {[]string{"oom", "--for", "complete"}, `--for: unknown condition "complete"`},
		"negative timeout":   {[]string{"oom", "--timeout", "-1s"}, "--timeout: must not be negative"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := run(t, clientWith(ok1), tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || common.ExitCode(err) != 1 {
				t.Errorf("err = %v, want %q with exit 1", err, tc.want)
			}
		})
	}
}

// TestWaitAcrossServerRestart: the API server stops and starts while a trial
// runs; wait says so on stderr, goes on, and exits 0 when the trial succeeds.
func TestWaitAcrossServerRestart(t *testing.T) {
	c := clientWith(kubefake.Trial{Name: "oom-dddddddd", Index: 3, State: "Running"})
	outage := kubefake.NewOutage(c)
	var out, errOut kubefake.SyncBuffer
	cmd := NewCmdWait(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"oom", "--timeout", "1m"})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(context.Background()) }()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; stderr:\n%s", what, errOut.String())
			}
		}
	}
	waitFor("the watch of Jobs", func() bool {
		for _, a := range c.Actions() {
			if a.GetVerb() == "watch" && a.GetResource().Resource == "jobs" {
				return true
			}
		}
		return false
	})
	outage.Stop()
	waitFor("the warning about the lost server", func() bool { return strings.Contains(errOut.String(), "warning: lost the API server (") })
	outage.Start()
	waitFor("the server back", func() bool { return strings.Contains(errOut.String(), "the API server answers again after ") })
	ctx := context.Background()
	j, err := c.BatchV1().Jobs("ml").Get(ctx, "oom-dddddddd", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	if _, err := c.BatchV1().Jobs("ml").UpdateStatus(ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("wait after the restart: %v\nstderr:\n%s", err, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("wait did not end after the trial succeeded; stderr:\n%s", errOut.String())
	}
	if n := strings.Count(out.String(), "oom-dddddddd succeeded"); n != 1 {
		t.Errorf("stdout names the trial's success %d times, want once:\n%s", n, out.String())
	}
}
