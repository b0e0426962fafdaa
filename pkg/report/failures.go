package report

import (
	"sort"
	"strconv"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Failure is one trial that failed, as the failures section lists it.
type Failure struct {
	Trial  string
	Params string
	State  string
	Reason string
	// What says how it ended in status's words, e.g. "OOMKilled at limit
	// 32Mi (exit 137)".
	What    string
	Exit    string
	Message string
}

// PendingGroup is the trials waiting for the same reason.
type PendingGroup struct {
	Reason  string
	Message string
	Count   int
	Trials  string // the first few names
}

// Failures is the failures section.
type Failures struct {
	// OutOfMemory are the trials that ran out of memory (trial.Status
	// OutOfMemory): OOMKilled, likely OOM-killed, or succeeded with a
	// process OOM-killed.
	OutOfMemory []Failure
	Failed      []Failure
	Pending     []PendingGroup
}

// None reports whether there is nothing to list.
func (f Failures) None() bool {
	return len(f.OutOfMemory) == 0 && len(f.Failed) == 0 && len(f.Pending) == 0
}

// maxGroupNames caps the trial names listed in a pending group.
const maxGroupNames = 5

// failures lists the trials that ran out of memory with the limit they
// hit, the other failed ones with reason and exit code, and the waiting
// ones grouped by reason.
func (m *model) failures() Failures {
	var out Failures
	type group struct {
		g     PendingGroup
		names []string
	}
	groups := map[string]*group{}
	var keys []string
	for i := range m.in.Statuses {
		s := &m.in.Statuses[i]
		f := Failure{Trial: s.Name, Params: s.Params.String(), State: string(s.State), Reason: s.Reason, Message: s.Message,
			What: s.ReasonText(false)}
		if s.ExitCode != nil {
			f.Exit = strconv.Itoa(int(*s.ExitCode))
		}
		if s.OutOfMemory() {
			out.OutOfMemory = append(out.OutOfMemory, f)
			continue
		}
		switch s.State {
		case trial.Failed:
			out.Failed = append(out.Failed, f)
		case trial.Pending, trial.Queued, trial.Suspended:
			key := s.Reason + "\x00" + s.Message
			g := groups[key]
			if g == nil {
				g = &group{g: PendingGroup{Reason: s.Reason, Message: s.Message}}
				groups[key] = g
				keys = append(keys, key)
			}
			g.g.Count++
			g.names = append(g.names, s.Name)
		}
	}
	sort.SliceStable(keys, func(a, b int) bool { return groups[keys[a]].g.Count > groups[keys[b]].g.Count })
	for _, k := range keys {
		g := groups[k]
		names := g.names
		extra := ""
		if len(names) > maxGroupNames {
			extra = ", … (" + strconv.Itoa(len(names)-maxGroupNames) + " more)"
			names = names[:maxGroupNames]
		}
		g.g.Trials = strings.Join(names, ", ") + extra
		out.Pending = append(out.Pending, g.g)
	}
	return out
}
