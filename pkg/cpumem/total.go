package cpumem

import (
	"fmt"
	"sort"
)

// Total is the experiment's sum over its running trials.
type Total struct {
	// Trials is the number of rows summed.
	Trials int `json:"trials"`
	// NoSample is how many of them metrics-server has no sample for yet.
	NoSample int       `json:"noSample"`
	Usage    Resources `json:"usage"`
	Requests Resources `json:"requests"`
	// Limits is unset for a resource any trial has no limit for.
	Limits Resources `json:"limits"`
	// CPULimitPercent and MemoryLimitPercent are the total usage over the
	// total limit, set only when every trial has a sample and a limit.
	CPULimitPercent    *float64 `json:"cpuLimitPercent,omitempty"`
	MemoryLimitPercent *float64 `json:"memoryLimitPercent,omitempty"`
}

// Sum adds up rows.
func Sum(rows []Row) Total {
	t := Total{Trials: len(rows)}
	if len(rows) == 0 {
		return t
	}
	t.Limits = Resources{CPU: new(int64), Memory: new(int64)}
	complete := true
	for _, r := range rows {
		if r.Usage == nil {
			t.NoSample++
			complete = false
		} else {
			t.Usage.CPU = addPtr(t.Usage.CPU, r.Usage.CPU)
			t.Usage.Memory = addPtr(t.Usage.Memory, r.Usage.Memory)
		}
		t.Requests.CPU = addPtr(t.Requests.CPU, r.Requests.CPU)
		t.Requests.Memory = addPtr(t.Requests.Memory, r.Requests.Memory)
		t.Limits.CPU = addBounded(t.Limits.CPU, r.Limits.CPU)
		t.Limits.Memory = addBounded(t.Limits.Memory, r.Limits.Memory)
	}
	if complete {
		t.CPULimitPercent = percent(t.Usage.CPU, t.Limits.CPU)
		t.MemoryLimitPercent = percent(t.Usage.Memory, t.Limits.Memory)
	}
	return t
}

// SortBy names an order of rows.
type SortBy string

const (
	// ByTrial keeps the order rows were given in (the experiment's trial order).
	ByTrial SortBy = ""
	// ByCPU puts the busiest trial first.
	ByCPU SortBy = "cpu"
	// ByMemory puts the trial using the most memory first.
	ByMemory SortBy = "memory"
	// ByMemoryLimitPercent puts the trial nearest its memory limit (the
	// next to be OOMKilled) first.
	ByMemoryLimitPercent SortBy = "memory-limit-percent"
	// ByCPULimitPercent puts the trial nearest its CPU limit (the most
	// throttled) first.
	ByCPULimitPercent SortBy = "cpu-limit-percent"
)

// SortKeys lists the values --sort-by accepts.
var SortKeys = []SortBy{ByCPU, ByMemory, ByMemoryLimitPercent, ByCPULimitPercent}

// ParseSortBy checks a --sort-by value.
func ParseSortBy(s string) (SortBy, error) {
	if s == "" {
		return ByTrial, nil
	}
	for _, k := range SortKeys {
		if string(k) == s {
			return k, nil
		}
	}
	return ByTrial, fmt.Errorf("--sort-by: unknown key %q (allowed: %v)", s, SortKeys)
}

// Sort orders rows largest first by key, stably; rows without a value
// (no sample, no limit) go last in their original order. ByTrial leaves
// rows as they are.
func Sort(rows []Row, by SortBy) {
	if by == ByTrial {
		return
	}
	key := func(r *Row) (float64, bool) {
		switch by {
		case ByCPU:
			if r.Usage != nil && r.Usage.CPU != nil {
				return float64(*r.Usage.CPU), true
			}
		case ByMemory:
			if r.Usage != nil && r.Usage.Memory != nil {
				return float64(*r.Usage.Memory), true
			}
		case ByMemoryLimitPercent:
			if r.MemoryLimitPercent != nil {
				return *r.MemoryLimitPercent, true
			}
		case ByCPULimitPercent:
			if r.CPULimitPercent != nil {
				return *r.CPULimitPercent, true
			}
		}
		return 0, false
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, aok := key(&rows[i])
		b, bok := key(&rows[j])
		if aok != bok {
			return aok
		}
		return aok && a > b
	})
}
