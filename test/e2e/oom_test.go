//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// sigkillExperiment has two trials whose shell SIGKILLs its own process
// group under a 32Mi limit: exit 137, which the runtime reports Error as
// it does an OOM kill whose event it had not seen yet. A process that is
// its container's PID 1 cannot SIGKILL itself; with a shared process
// namespace the pause container is PID 1. (kill 0, not $$: Kubernetes and
// the experiment file both take $$ for an escaped $.)
const sigkillExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: sigkill
spec:
  parameters:
    list:
      - {run: a}
      - {run: b}
  template:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          shareProcessNamespace: true
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, "echo ${run}; kill -KILL 0; echo survived"]
            resources:
              limits: {cpu: 100m, memory: 32Mi}
`

// TestKillAtALimitReadsLikelyOOM drives the rule for a kill the runtime
// did not call OOMKilled without racing the runtime: a SIGKILL (exit 137,
// Error) of a container with a memory limit and nothing else to explain it
// reads LikelyOOMKilled in status, its summary, retry and events — the
// plugin cannot tell it from an OOM kill whose event came late, and says
// "likely". A recorded peak far below the limit (as top -w --record
// writes it) rules the kill out for the other trial.
func TestKillAtALimitReadsLikelyOOM(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "sigkill")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "sigkill.yaml", sigkillExperiment))
	var s StatusResult
	WaitFor(t, 3*time.Minute, "both trials to end", func() (bool, string) {
		var r Result
		if s, r = Status(t, ns, "sigkill"); r.Err != nil {
			return false, r.String()
		}
		return len(s.Trials) == 2 && s.Count("Failed") == 2, s.Describe()
	})
	names := map[string]string{}
	for _, tr := range s.Trials {
		names[tr.Params["run"].(string)] = tr.Name
		if out := HogOutcome(t, tr, "32Mi"); out.Reason != "LikelyOOMKilled" || tr.OOMContainer != "ml" || tr.ExitCode == nil || *tr.ExitCode != 137 {
			t.Errorf("%s: %s/%s container %q exit %v, want Failed/LikelyOOMKilled of ml, exit 137", tr.Name, tr.State, tr.Reason, tr.OOMContainer, tr.ExitCode)
		}
	}
	a, b := names["a"], names["b"]

	// b's recorded peak: 1Mi of 32Mi
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{
		keys.PeakUsage: `{"cpuMillicores":5,"memoryBytes":1048576,"samples":3}`}}})
	if _, err := client.BatchV1().Jobs(ns).Patch(context.Background(), b, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	// b's reason is the Job's (BackoffLimitExceeded) or, until the Job
	// controller gets to it, its pod's (Error): either, but not likely OOM
	table := MustMlexp(t, ns, "status", "sigkill").Stdout
	if !rowHas(table, a, "Failed", "Killed (exit 137) — likely out of memory at 32Mi; the runtime did not report OOMKilled") ||
		!rowHas(table, b, "Failed", " (exit 137) ") || rowHas(table, b, "likely") ||
		!strings.Contains(table, "2 trials: 2 failed (1 likely out of memory)\n") {
		t.Errorf("status:\n%s", table)
	}
	wide := MustMlexp(t, ns, "status", "sigkill", "-o", "wide").Stdout
	if !rowHas(wide, b, "its memory was recorded at most at 3% of its limit of 32Mi, so it is not taken for out of memory") {
		t.Errorf("status -o wide does not say why %s is not out of memory:\n%s", b, wide)
	}
	r := MustMlexp(t, ns, "retry", "sigkill", "--dry-run=client")
	want := "job.batch/" + a + " replaced (dry run) (attempt 2 after Failed (likely out of memory); limits.memory of container ml: 32Mi -> 64Mi)\n" +
		"job.batch/" + b + " replaced (dry run) (attempt 2 after Failed)\n"
	if r.Stdout != want {
		t.Errorf("retry --dry-run=client printed:\n%s\nwant:\n%s", r.Stdout, want)
	}
	var ev rawEvents
	if err := json.Unmarshal([]byte(MustMlexp(t, ns, "events", "sigkill", "--raw", "-o", "json").Stdout), &ev); err != nil {
		t.Fatal(err)
	}
	var likely []string
	for _, e := range ev.Events {
		if e.Reason == "LikelyOOMKilled" {
			likely = append(likely, e.Trial)
		}
	}
	if len(likely) != 1 || likely[0] != a {
		t.Errorf("LikelyOOMKilled events of %v, want of %s alone: %+v", likely, a, ev.Events)
	}
}
