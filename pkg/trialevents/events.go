// Package trialevents tells which Kubernetes events are about which trial
// of an experiment (its Job, its pods, pods deleted since, its Kueue
// Workload) and adds the OOM kills that pod statuses record and no event
// does. `events` and `describe` show what it picks; eventagg groups it.
package trialevents

import (
	"sort"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
)

// Event is one event with the trial it is about.
type Event struct {
	Trial string `json:"trial"`
	eventagg.Event
}

// Keep returns ev with its trial when it is about one of the members (and
// of one of types, all when types is empty).
func (m *Members) Keep(ev eventagg.Event, types []string) (Event, bool) {
	t, ok := m.trialOf(ev.Object)
	if !ok || !eventagg.HasType(ev, types) {
		return Event{}, false
	}
	return Event{Trial: t, Event: ev}, true
}

// PodEvents returns the OOM kills pod's status records, as events.
func (m *Members) PodEvents(pod *corev1.Pod) []eventagg.Event {
	return OOMEvents(m.jobOf(pod), pod)
}

// Pick keeps the events about the members and of the types wanted, with
// the OOM kills the pods' statuses record, in the order Sort gives.
func (m *Members) Pick(events []corev1.Event, pods []corev1.Pod, types []string) []Event {
	var out []Event
	for i := range events {
		if te, ok := m.Keep(eventagg.FromCore(&events[i]), types); ok {
			out = append(out, te)
		}
	}
	for i := range pods {
		for _, ev := range m.PodEvents(&pods[i]) {
			if te, ok := m.Keep(ev, types); ok {
				out = append(out, te)
			}
		}
	}
	Sort(out)
	return out
}

// OfTrial returns the events of one trial of experiment exp, oldest first:
// those among events about its Job and pods (pods already deleted too,
// known by name, such as an earlier attempt's), with the OOM kills its
// pods' statuses record. `describe` shows them.
func OfTrial(exp, name string, jobs []batchv1.Job, pods []corev1.Pod, events []corev1.Event) []Event {
	m := NewMembers(exp, jobs, pods)
	m.Only = name
	return m.Pick(events, pods, nil)
}

// Sort orders events oldest first by when they were last seen.
func Sort(evs []Event) {
	sort.SliceStable(evs, func(i, j int) bool { return eventagg.Before(evs[i].Event, evs[j].Event) })
}
