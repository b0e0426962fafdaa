// Package eventagg turns the many Kubernetes events of an experiment's
// Jobs and pods into a few lines: events that say the same thing (same
// type, reason, kind of object and message once names and numbers are
// blanked out) become one group with a total count, the number of objects
// it happened to, and when it was first and last seen. It never talks to a
// cluster.
package eventagg

import (
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Object is what an event is about.
type Object struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// String renders the object as kubectl events does: "pod/NAME".
func (o Object) String() string {
	return strings.ToLower(o.Kind) + "/" + o.Name
}

// Event is one Kubernetes event reduced to what the commands show.
type Event struct {
	// ID identifies the event object (its UID, else namespace/name), so a
	// newer version of a repeating event replaces the older one.
	ID      string    `json:"-"`
	Type    string    `json:"type"`
	Reason  string    `json:"reason"`
	Object  Object    `json:"object"`
	Message string    `json:"message"`
	Count   int32     `json:"count"`
	First   time.Time `json:"firstSeen"`
	Last    time.Time `json:"lastSeen"`
	Source  string    `json:"source,omitempty"`
}

// FromCore converts a core/v1 Event, reading the count and times from
// wherever its reporter put them: the deprecated count and timestamps of
// old-style reporters (the Job controller) or the eventTime and series of
// events.k8s.io reporters (the scheduler, the kubelet).
func FromCore(e *corev1.Event) Event {
	out := Event{
		ID:      string(e.UID),
		Type:    e.Type,
		Reason:  e.Reason,
		Object:  Object{Kind: e.InvolvedObject.Kind, Name: e.InvolvedObject.Name},
		Message: e.Message,
		Count:   e.Count,
		First:   e.FirstTimestamp.Time,
		Last:    e.LastTimestamp.Time,
		Source:  e.ReportingController,
	}
	if out.ID == "" {
		out.ID = e.Namespace + "/" + e.Name
	}
	if out.Source == "" {
		out.Source = e.Source.Component
	}
	if out.First.IsZero() {
		out.First = e.EventTime.Time
	}
	if s := e.Series; s != nil {
		if s.Count > out.Count {
			out.Count = s.Count
		}
		if s.LastObservedTime.After(out.Last) {
			out.Last = s.LastObservedTime.Time
		}
	}
	if out.Last.IsZero() {
		out.Last = e.EventTime.Time
	}
	if out.First.IsZero() {
		out.First = e.CreationTimestamp.Time
	}
	if out.Last.IsZero() || out.Last.Before(out.First) {
		out.Last = out.First
	}
	if out.Count < 1 {
		out.Count = 1
	}
	return out
}

// SortByTime orders events oldest first by when they were last seen, as
// kubectl events lists them (see Before).
func SortByTime(events []Event) {
	sort.SliceStable(events, func(i, j int) bool { return Before(events[i], events[j]) })
}

// lifecycle ranks the reasons of a pod's start in the order they happen.
var lifecycle = map[string]int{"Scheduled": 1, "Pulling": 2, "Pulled": 3, "Created": 4, "Started": 5}

// Before reports whether a was last seen before b. Times are compared to
// the second: the kubelet's old-style events (Pulled, Created, Started)
// carry whole seconds while the scheduler's Scheduled has microseconds, so
// within one second a pod's start is ordered as it happens, then by object
// name and reason.
func Before(a, b Event) bool {
	ta, tb := a.Last.Truncate(time.Second), b.Last.Truncate(time.Second)
	if !ta.Equal(tb) {
		return ta.Before(tb)
	}
	if ra, rb := lifecycle[a.Reason], lifecycle[b.Reason]; ra != rb && ra > 0 && rb > 0 {
		return ra < rb
	}
	if !a.Last.Equal(b.Last) {
		return a.Last.Before(b.Last)
	}
	if a.Object.Name != b.Object.Name {
		return a.Object.Name < b.Object.Name
	}
	return a.Reason < b.Reason
}

// FilterTypes keeps the events whose type is one of types (all when types is empty).
func FilterTypes(events []Event, types []string) []Event {
	if len(types) == 0 {
		return events
	}
	var out []Event
	for _, e := range events {
		if HasType(e, types) {
			out = append(out, e)
		}
	}
	return out
}

// HasType reports whether e's type is one of types (true when types is empty).
func HasType(e Event, types []string) bool {
	if len(types) == 0 {
		return true
	}
	for _, t := range types {
		if strings.EqualFold(e.Type, t) {
			return true
		}
	}
	return false
}
