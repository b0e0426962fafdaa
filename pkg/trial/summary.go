package trial

import (
	"fmt"
	"strings"
)

// Counts holds how many trials are in each state.
type Counts map[State]int

// Count tallies the states of statuses.
func Count(statuses []Status) Counts {
	c := Counts{}
	for _, s := range statuses {
		c[s.State]++
	}
	return c
}

// Total returns the number of trials counted.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Finished reports whether every counted trial has finished.
func (c Counts) Finished() bool {
	return c.Total() == c[Succeeded]+c[EarlyStopped]+c[Failed]+c[OOMKilled]
}

// String renders a summary line such as "24 trials: 2 running, 22 pending".
func (c Counts) String() string {
	return Summary{Counts: c}.String()
}

// Summary is what the one line summing up trials says: how many are in
// each state, and how many of the Failed and Succeeded ones ran out of
// memory without their state saying so (OOMNote).
type Summary struct {
	Counts
	// Notes counts, by state, the trials with each OOMNote.
	Notes map[State]map[string]int
}

// Summarize counts statuses by state, with their OOM notes.
func Summarize(statuses []Status) Summary {
	s := Summary{Counts: Count(statuses)}
	for i := range statuses {
		st := &statuses[i]
		if note := st.OOMNote(); note != "" {
			if s.Notes == nil {
				s.Notes = map[State]map[string]int{}
			}
			if s.Notes[st.State] == nil {
				s.Notes[st.State] = map[string]int{}
			}
			s.Notes[st.State][note]++
		}
	}
	return s
}

// Parts renders the count of each state present, in States order, e.g.
// "23 succeeded (1 with a process OOM-killed)", "1 failed (likely out of
// memory)": the note's count is left out when it is the state's.
func (s Summary) Parts() []string {
	var parts []string
	for _, st := range States {
		n := s.Counts[st]
		if n == 0 {
			continue
		}
		part := fmt.Sprintf("%d %s", n, st.Words())
		var notes []string
		for _, note := range oomNotes {
			switch k := s.Notes[st][note]; {
			case k == n:
				notes = append(notes, note)
			case k > 0:
				notes = append(notes, fmt.Sprintf("%d %s", k, note))
			}
		}
		if len(notes) > 0 {
			part += " (" + strings.Join(notes, ", ") + ")"
		}
		parts = append(parts, part)
	}
	return parts
}

// String renders the summary line, e.g. "24 trials: 2 running, 22
// pending" or "3 trials: 2 succeeded, 1 failed (likely out of memory)".
func (s Summary) String() string {
	total := s.Total()
	noun := "trials"
	if total == 1 {
		noun = "trial"
	}
	parts := s.Parts()
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", total, noun)
	}
	return fmt.Sprintf("%d %s: %s", total, noun, strings.Join(parts, ", "))
}
