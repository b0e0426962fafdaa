package eventagg

import (
	"strings"
	"testing"
	"time"
)

// A pod's start reads in the order it happened although the scheduler's
// Scheduled has microseconds and the kubelet's Started whole seconds: the
// describe of a trial listed Started before Scheduled.
func TestBeforeOrdersAPodsStart(t *testing.T) {
	sec := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	pod := Object{Kind: "Pod", Name: "p"}
	evs := []Event{
		{Reason: "Started", Object: pod, Last: sec},
		{Reason: "Scheduled", Object: pod, Last: sec.Add(800 * time.Millisecond)},
		{Reason: "Created", Object: pod, Last: sec},
		{Reason: "Pulled", Object: pod, Last: sec},
		{Reason: "Completed", Object: Object{Kind: "Job", Name: "j"}, Last: sec.Add(time.Second)},
	}
	SortByTime(evs)
	var got []string
	for _, e := range evs {
		got = append(got, e.Reason)
	}
	if want := "Scheduled Pulled Created Started Completed"; strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}
