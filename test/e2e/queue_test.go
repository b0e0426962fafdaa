//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// TestKueueQueue is issue #10's acceptance on the dev cluster's Kueue: a
// ClusterQueue with a nominal quota of 1 CPU and 8 trials requesting 500m
// each, submitted with --queue: never more than 2 run at once (sampled
// from the Jobs' and pods' watch events throughout), status shows the
// waiting ones Queued with Kueue's reason and their place in line, a
// re-submit while trials run restarts none of them, every trial
// succeeds, and delete leaves no Workload.
func TestKueueQueue(t *testing.T) {
	RequireKueue(t)
	t.Parallel()
	ns := NewNamespace(t, "kueue")
	q := queueForTest(t, ns, "1", "1Gi")
	file := func(metric string) string {
		return WriteFile(t, "exp-"+metric+".yaml", sleepExperiment("kq", 8, 6, "500m", "")+"  results: {metric: "+metric+"}\n")
	}
	sampler := SampleExperiment(t, ns, "kq")
	r := MustMlexp(t, ns, "submit", "-f", file("acc"), "--queue", q)
	if n := strings.Count(r.Stdout, " created\n"); n != 8 {
		t.Fatalf("submit created %d trials, want 8:\n%s", n, r)
	}
	jobs, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{LabelSelector: keys.ForExperiment("kq")})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs.Items {
		if j.Labels[keys.KueueQueueName] != q {
			t.Errorf("Job %s: queue label %q, want %q", j.Name, j.Labels[keys.KueueQueueName], q)
		}
	}

	var sawQueued, sawTable, resubmitted bool
	var queuedExample TrialStatus
	var positions map[string]int // trial -> place in line, from the first status where every waiting trial has one
	WaitFor(t, 5*time.Minute, "8 trials to succeed through the queue", func() (bool, string) {
		s, r := Status(t, ns, "kq")
		if r.Err != nil {
			return false, r.String()
		}
		for _, tr := range s.Trials {
			if tr.State == "Queued" && tr.Reason == "Pending" && strings.Contains(tr.Message, "insufficient unused quota for cpu") {
				sawQueued, queuedExample = true, tr
			}
		}
		// Kueue creates the Workloads one Job at a time: a trial is Queued
		// (no Workload yet) before it has a place in line. Take the first
		// status in which at least 4 trials wait and every one of them has
		// its place.
		if queued := s.Count("Queued"); positions == nil && queued >= 4 {
			seen := map[string]int{}
			for _, tr := range s.Trials {
				if tr.State == "Queued" && tr.Queueing != nil && tr.Queueing.Position > 0 {
					seen[tr.Name] = tr.Queueing.Position
				}
			}
			if len(seen) == queued {
				positions = seen
			}
		}
		if !sawTable && s.Count("Queued") > 0 {
			out := Mlexp(t, ns, "status", "kq").Stdout
			sawTable = strings.Contains(out, " QUEUE ") && strings.Contains(out, q+" #1 of ") && strings.Contains(out, " queued")
			if sawTable {
				t.Logf("status while queued:\n%s", out)
			}
		}
		// Re-submitting while trials run (a change that applies in place)
		// must not take spec.suspend back from Kueue.
		if !resubmitted && s.Count("Running") > 0 && s.Count("Queued") > 0 {
			MustMlexp(t, ns, "submit", "-f", file("loss"), "--queue", q)
			resubmitted = true
		}
		return s.Count("Succeeded") == 8, s.Describe() + sampler.String()
	})
	maxRunning, maxActive, _, _ := sampler.Snapshot()
	t.Logf("sampled: %s", sampler.String())
	if maxRunning > 2 || maxActive > 2 {
		t.Errorf("quota of 1 CPU, 500m per trial: saw %d pods running and %d Jobs active at once, want at most 2", maxRunning, maxActive)
	}
	if maxRunning == 0 {
		t.Error("never saw a trial run")
	}
	if !sawQueued {
		t.Error("status never showed a trial Queued with Kueue's reason (Pending: insufficient unused quota for cpu ...)")
	} else {
		t.Logf("a queued trial: %+v", queuedExample)
	}
	if !sawTable {
		t.Error("the status table never showed the QUEUE column with a place in line")
	}
	if !resubmitted {
		t.Error("never re-submitted while a trial ran and others waited")
	}
	// Kueue admitted the waiting trials in the order status announced:
	// two slots free at nearly the same time, so neighbours may swap.
	started := map[string]int{}
	for i, tr := range sampler.Started() {
		started[tr] = i
	}
	if positions == nil {
		t.Error("never saw 4 or more trials queued, each with a place in line")
	}
	places := map[int]bool{}
	for _, p := range positions {
		places[p] = true
	}
	for i := 1; i <= len(positions); i++ {
		if !places[i] {
			t.Errorf("places in line %v are not 1..%d", positions, len(positions))
			break
		}
	}
	for a, pa := range positions {
		for b, pb := range positions {
			if pa+1 < pb && started[a] > started[b] {
				t.Errorf("%s was #%d in line but started after %s, #%d (start order %v)", a, pa, b, pb, sampler.Started())
			}
		}
	}
	if restarted := sampler.Restarted(); len(restarted) > 0 {
		t.Errorf("trials restarted (more than one pod): %v; a re-submit must not suspend a running trial", restarted)
	}
	if out := MustMlexp(t, ns, "list").Stdout; !strings.Contains(out, "kq     "+q) {
		t.Errorf("list does not show the queue:\n%s", out)
	}
	if out := MustMlexp(t, ns, "events", "kq").Stdout; !strings.Contains(out, "workload") {
		t.Errorf("events show no Workload event:\n%s", out)
	}

	MustMlexp(t, ns, "delete", "kq")
	wls, err := kueueDynamic(t).Resource(kueueWL).Namespace(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(wls.Items); n != 0 {
		var names []string
		for _, w := range wls.Items {
			names = append(names, w.GetName())
		}
		t.Errorf("delete left %d Workloads: %v", n, names)
	}
}
