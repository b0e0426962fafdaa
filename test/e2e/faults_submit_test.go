//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// writtenLine is the one line of a submit that could not write every trial.
var writtenLine = regexp.MustCompile(`^error: (\d+) of 1000 trials written; run the same command again to finish \(.+\)$`)

// TestFaultAPIServerDuringSubmit stops the API server in the middle of a
// 1000-trial submit (suspended Jobs: nothing runs) and starts it again.
// submit either finishes by retrying, or ends with one line saying how many
// trials it wrote; the same command then converges. Either way there are
// exactly 1000 Jobs, each with the spec hash a fresh render gives it.
func TestFaultAPIServerDuringSubmit(t *testing.T) {
	RequireDisruptive(t)
	ctx := context.Background()
	ns := NewNamespace(t, "fault-submit")
	file := WriteFile(t, "big.yaml", bigExperiment(1000))
	count := func() int {
		l, err := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{LabelSelector: keys.ForExperiment("big")})
		if err != nil {
			return -1
		}
		return len(l.Items)
	}
	// Two writers at a time: slow enough to stop the server in the middle.
	sub := StartMlexp(t, ns, "submit", "-f", file, "--concurrency", "2")
	WaitFor(t, 2*time.Minute, "100 Jobs written", func() (bool, string) {
		n := count()
		return n >= 100 || sub.Done(), sub.Result().String()
	})
	if sub.Done() {
		t.Fatalf("submit ended before the API server could be stopped (make the experiment bigger or the writes slower):\n%s", sub.Result())
	}
	before := count()
	StopComponent(t, "kube-apiserver", false)
	down := time.Now()
	// Keep it down until submit says it met the stopped server.
	WaitFor(t, 2*time.Minute, "submit to warn that the API server does not answer", func() (bool, string) {
		r := sub.Result()
		return strings.Contains(r.Stderr, "warning: the API server does not answer (") || sub.Done(), r.String()
	})
	StartComponent(t, "kube-apiserver")
	t.Logf("API server down for %v with %d Jobs written", time.Since(down).Round(time.Second), before)
	r := sub.Wait(t, 5*time.Minute)
	t.Logf("submit during the outage ran %v:\n%s", sub.Ran().Round(time.Second), r.Stderr)
	if !strings.Contains(r.Stderr, "warning: the API server does not answer (") {
		t.Errorf("submit did not say the API server stopped answering:\n%s", r)
	}
	if r.Err != nil {
		// It gave up: one line says how far it got, and the same command finishes.
		var errs []string
		for _, l := range strings.Split(r.Stderr, "\n") {
			if strings.HasPrefix(l, "error: ") {
				errs = append(errs, l)
			}
		}
		if len(errs) != 1 || !writtenLine.MatchString(errs[0]) {
			t.Fatalf("submit failed without the one line saying how many trials were written:\n%s", r)
		}
		MustMlexp(t, ns, "submit", "-f", file)
	}

	// Converged: exactly the rendered trials, every Job whole.
	again := MustMlexp(t, ns, "submit", "-f", file)
	if !strings.Contains(again.Stderr, `1000 trials (1000 unchanged)`) {
		t.Errorf("a third submit changed something:\n%s", again.Stderr)
	}
	var rendered batchv1.JobList
	if err := json.Unmarshal([]byte(MustMlexp(t, ns, "submit", "-f", file, "--dry-run=client", "-o", "json").Stdout), &rendered); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, j := range rendered.Items {
		want[j.Name] = j.Annotations[keys.SpecHash]
	}
	l, err := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 1000 || len(l.Items) != 1000 {
		t.Fatalf("%d Jobs in the namespace, %d rendered; want 1000 of each", len(l.Items), len(want))
	}
	for _, j := range l.Items {
		h, ok := want[j.Name]
		switch {
		case !ok:
			t.Errorf("Job %s is not a trial of the file", j.Name)
		case h == "" || j.Annotations[keys.SpecHash] != h:
			t.Errorf("Job %s has spec hash %q, a fresh render %q", j.Name, j.Annotations[keys.SpecHash], h)
		case j.Labels[keys.Experiment] != "big" || j.Annotations[keys.Params] == "" || j.Spec.Suspend == nil || !*j.Spec.Suspend:
			t.Errorf("Job %s is half-written: labels %v, annotations %v", j.Name, j.Labels, j.Annotations)
		}
		delete(want, j.Name)
	}
}
