//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// quickExperiment's trials end at once: ${code} is their exit status.
const quickExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: quick
spec:
  parameters:
    list:
      - {run: a, code: 0, ttl: 3600}
      - {run: b, code: 0, ttl: 5}
      - {run: c, code: 3, ttl: 3600}
  template:
    spec:
      ttlSecondsAfterFinished: "${ttl}"
      template:
        spec:
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, "echo Test accuracy: 0.9; exit ${code}"]
            resources:
              limits: {cpu: 50m, memory: 16Mi}
`

// TestSubmitWaitTTLAndResults: submit warns about ttlSecondsAfterFinished
// and --wait exits 1 naming the trial that failed; the trial whose TTL is
// 5s (long enough for wait to see it succeed) loses its Job, and results
// says which one is gone.
func TestSubmitWaitTTLAndResults(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "quick")
	r := Mlexp(t, ns, "submit", "-f", WriteFile(t, "quick.yaml", quickExperiment), "--wait", "--timeout", "4m")
	if exitCode(r) != 1 || !strings.Contains(r.Stderr, "1 of 3 trials failed: quick-") || !strings.Contains(r.Stderr, "(exit 3)") {
		t.Fatalf("submit --wait: want exit 1 naming the trial that exited 3; got exit %d\n%s", exitCode(r), r)
	}
	if n := strings.Count(r.Stderr, "warning: spec.ttlSecondsAfterFinished deletes each trial's Job and pods 5s to 3600s after it finishes"); n != 1 {
		t.Errorf("want one TTL warning:\n%s", r.Stderr)
	}
	WaitFor(t, 5*time.Minute, "the 5s-TTL trial's Job to be deleted", func() (bool, string) {
		jobs, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		return len(jobs.Items) == 2, joinJobNames(jobs.Items)
	})
	r = MustMlexp(t, ns, "results", "quick")
	if !strings.Contains(r.Stderr, "1 of 3 trials have no Job any more (index 1): deleted") {
		t.Errorf("results does not say which trial is gone:\n%s", r)
	}
	r = Mlexp(t, ns, "wait", "quick", "--for=finished", "--timeout", "1m")
	if exitCode(r) != 0 {
		t.Errorf("wait --for=finished: want exit 0, got %d\n%s", exitCode(r), r)
	}
}

// minuteExperiment's trials run for a minute.
const minuteExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: sleepy
spec:
  parameters:
    grid: {n: [1, 2, 3]}
  template:
    spec:
      template:
        spec:
          terminationGracePeriodSeconds: 0
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, "exec sleep 60"]
            resources:
              limits: {cpu: 10m, memory: 16Mi}
`

// TestWaitTimeoutAndSelectiveDelete: wait gives up with exit status 2;
// retry refuses a running trial; delete --trial takes one trial's Job and
// pods and leaves the others untouched; delete accepts list -o name.
func TestWaitTimeoutAndSelectiveDelete(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "sleepy")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "sleepy.yaml", minuteExperiment))
	r := Mlexp(t, ns, "wait", "sleepy", "--timeout", "3s")
	if exitCode(r) != 2 || !strings.Contains(r.Stderr, "timed out waiting for the condition on experiment/sleepy: 3 of 3 trials have not finished") {
		t.Errorf("wait --timeout 3s: want exit 2 and kubectl's timeout message; got exit %d\n%s", exitCode(r), r)
	}
	s, _ := Status(t, ns, "sleepy")
	if len(s.Trials) != 3 {
		t.Fatalf("want 3 trials:\n%s", s.Describe())
	}
	victim := s.Trials[1].Name
	r = Mlexp(t, ns, "retry", "sleepy", victim)
	if exitCode(r) != 1 || !strings.Contains(r.Stderr, "only a finished trial can be retried: "+victim+" is") {
		t.Errorf("retry of an unfinished trial: want a refusal\n%s", r)
	}
	before := jobVersions(t, ns)
	r = MustMlexp(t, ns, "delete", "sleepy", "--trial", victim)
	if r.Stdout != "job.batch \""+victim+"\" deleted\n" {
		t.Errorf("delete --trial printed:\n%s", r.Stdout)
	}
	after := jobVersions(t, ns)
	if _, ok := after[victim]; ok || len(after) != 2 {
		t.Errorf("after delete --trial %s, Jobs left: %v", victim, after)
	}
	for name, v := range after {
		if before[name] != v {
			t.Errorf("delete --trial touched %s", name)
		}
	}
	pods, err := client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if strings.HasPrefix(p.Name, victim+"-") {
			t.Errorf("pod %s of the deleted trial is left", p.Name)
		}
	}
	names := MustMlexp(t, ns, "list", "-o", "name").Stdout
	r = MustMlexp(t, ns, append([]string{"delete"}, strings.Fields(names)...)...)
	if strings.Count(r.Stdout, " deleted\n") != 2 {
		t.Errorf("delete experiment/sleepy:\n%s", r)
	}
}

// jobNames lists Job names for failure messages.
func joinJobNames(jobs []batchv1.Job) string {
	var out []string
	for _, j := range jobs {
		out = append(out, j.Name)
	}
	return strings.Join(out, ", ")
}
