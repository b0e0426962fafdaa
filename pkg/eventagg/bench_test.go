package eventagg

import (
	"fmt"
	"testing"
)

// trialEvents is what a cluster records for n trials that ran: the Job
// controller's SuccessfulCreate and Completed per Job, the scheduler's and
// the kubelet's four events per pod.
func trialEvents(n int) []Event {
	out := make([]Event, 0, 6*n)
	for i := range n {
		job := fmt.Sprintf("mnist-%08x", i)
		pod := job + "-abcde"
		id := func(r string) string { return r + "/" + job }
		out = append(out,
			ev(id("create"), "Normal", "SuccessfulCreate", "Job", job, "Created pod: "+pod, 1, i, i),
			ev(id("sched"), "Normal", "Scheduled", "Pod", pod, "Successfully assigned ns/"+pod+" to node-1", 1, i, i),
			ev(id("pulled"), "Normal", "Pulled", "Pod", pod, `Container image "trainer:dev" already present on machine`, 1, i+1, i+1),
			ev(id("created"), "Normal", "Created", "Pod", pod, "Created container: train", 1, i+1, i+1),
			ev(id("started"), "Normal", "Started", "Pod", pod, "Started container train", 1, i+2, i+2),
			ev(id("done"), "Normal", "Completed", "Job", job, "Job completed", 1, i+9, i+9),
		)
	}
	return out
}

// BenchmarkAggregate groups the events of 1,000 and 10,000 trials: the cost
// must grow with the number of events, not with its square.
func BenchmarkAggregate(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		events := trialEvents(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if gs := Aggregate(events, NewNormalizer("mnist")); len(gs) != 6 {
					b.Fatalf("%d groups, want 6", len(gs))
				}
			}
		})
	}
}
