package eventagg

import (
	"sort"
	"time"
)

// Group is the aggregate of events that say the same thing.
type Group struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
	// Kind is the kind of the objects the events are about.
	Kind string `json:"kind"`
	// Message is the message of the most recently seen event of the group.
	Message string `json:"message"`
	// Count is the sum of the events' counts.
	Count int32 `json:"count"`
	// Objects lists the distinct objects' names, sorted.
	Objects []string  `json:"objects"`
	First   time.Time `json:"firstSeen"`
	Last    time.Time `json:"lastSeen"`
}

// Key identifies a group: type, reason, kind and normalized message.
type Key struct {
	Type, Reason, Kind, Message string
}

// Aggregator groups events as they arrive; adding a newer version of an
// event (same ID, higher count) replaces the older one. A group is computed
// when it is asked for, not at every Add, so adding n events costs O(n).
type Aggregator struct {
	norm   *Normalizer
	keys   map[string]Key           // event ID -> its group
	groups map[Key]map[string]Event // group -> its events by ID
	cache  map[Key]Group            // computed groups
	dirty  map[Key]bool             // groups changed since they were computed
}

// NewAggregator returns an empty aggregator normalizing messages with norm.
func NewAggregator(norm *Normalizer) *Aggregator {
	return &Aggregator{
		norm:   norm,
		keys:   map[string]Key{},
		groups: map[Key]map[string]Event{},
		cache:  map[Key]Group{},
		dirty:  map[Key]bool{},
	}
}

// KeyOf returns the group key of e.
func (a *Aggregator) KeyOf(e Event) Key {
	return Key{Type: e.Type, Reason: e.Reason, Kind: e.Object.Kind, Message: a.norm.Normalize(e.Message)}
}

// Add adds e, or replaces the older version of it, and returns the key of
// its group.
func (a *Aggregator) Add(e Event) Key {
	k := a.KeyOf(e)
	if old, ok := a.keys[e.ID]; ok && old != k {
		delete(a.groups[old], e.ID)
		a.dirty[old] = true
	}
	a.keys[e.ID] = k
	if a.groups[k] == nil {
		a.groups[k] = map[string]Event{}
	}
	a.groups[k][e.ID] = e
	a.dirty[k] = true
	return k
}

// refresh computes the groups changed since the last call.
func (a *Aggregator) refresh() {
	for k := range a.dirty {
		a.recompute(k)
	}
	clear(a.dirty)
}

func (a *Aggregator) recompute(k Key) {
	members := a.groups[k]
	if len(members) == 0 {
		delete(a.groups, k)
		delete(a.cache, k)
		return
	}
	g := Group{Type: k.Type, Reason: k.Reason, Kind: k.Kind}
	objects := map[string]bool{}
	var latest *Event
	for id := range members {
		e := members[id]
		g.Count += e.Count
		objects[e.Object.Name] = true
		if latest == nil || e.First.Before(g.First) {
			g.First = e.First
		}
		if latest == nil || e.Last.After(latest.Last) || (e.Last.Equal(latest.Last) && e.ID > latest.ID) {
			latest = &e
		}
	}
	g.Last, g.Message = latest.Last, latest.Message
	for name := range objects {
		g.Objects = append(g.Objects, name)
	}
	sort.Strings(g.Objects)
	a.cache[k] = g
}

// Group returns the group of key k, if it has any event.
func (a *Aggregator) Group(k Key) (Group, bool) {
	if a.dirty[k] {
		a.recompute(k)
		delete(a.dirty, k)
	}
	g, ok := a.cache[k]
	return g, ok
}

// Groups returns every group, oldest last-seen first (the newest at the
// bottom, as kubectl events prints), ties broken by type, reason and message.
func (a *Aggregator) Groups() []Group {
	a.refresh()
	out := make([]Group, 0, len(a.cache))
	for _, g := range a.cache {
		out = append(out, g)
	}
	SortGroups(out)
	return out
}

// Aggregate groups events in one go.
func Aggregate(events []Event, norm *Normalizer) []Group {
	a := NewAggregator(norm)
	for _, e := range events {
		a.Add(e)
	}
	return a.Groups()
}

// SortGroups orders groups by when they were last seen, oldest first.
func SortGroups(gs []Group) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if !a.Last.Equal(b.Last) {
			return a.Last.Before(b.Last)
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Reason != b.Reason {
			return a.Reason < b.Reason
		}
		return a.Message < b.Message
	})
}
