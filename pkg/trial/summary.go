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
	return c.Total() == c[Succeeded]+c[Failed]+c[OOMKilled]
}

// String renders a summary line such as "24 trials: 2 running, 22 pending".
func (c Counts) String() string {
	total := c.Total()
	noun := "trials"
	if total == 1 {
		noun = "trial"
	}
	var parts []string
	for _, s := range States {
		if n := c[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(string(s))))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", total, noun)
	}
	return fmt.Sprintf("%d %s: %s", total, noun, strings.Join(parts, ", "))
}
