package ranking

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// MaxRecordBytes caps the results annotation `results` writes on a Job;
// metrics beyond it are left out, the ranking metric last of all.
const MaxRecordBytes = 4096

// Record is what `results` writes on a finished trial's Job, in the
// annotation keys.Results, so the trial's metrics outlive its pod.
type Record struct {
	// Source is SourceLog or SourceTerminationMessage.
	Source string `json:"source"`
	// Pod is the pod the metrics were read from.
	Pod string `json:"pod,omitempty"`
	// Patterns is PatternsKey of the patterns beyond the built-in ones that
	// parsed the log; a different key makes `results` read the log again.
	Patterns string `json:"patterns,omitempty"`
	// Metrics holds the last value of each metric.
	Metrics map[string]Value `json:"metrics"`
	// Truncated says metrics were left out to stay under MaxRecordBytes.
	Truncated bool `json:"truncated,omitempty"`
}

// EncodeRecord returns r as the annotation's JSON. When it exceeds
// MaxRecordBytes, metrics are dropped (the longest names first, keep last)
// until it fits.
func EncodeRecord(r Record, keep string) (string, error) {
	b, err := marshal(r)
	if err != nil {
		return "", err
	}
	if len(b) <= MaxRecordBytes {
		return string(b), nil
	}
	names := make([]string, 0, len(r.Metrics))
	for n := range r.Metrics {
		if n != keep {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	if _, ok := r.Metrics[keep]; ok {
		names = append(names, keep)
	}
	m := make(map[string]Value, len(r.Metrics))
	for k, v := range r.Metrics {
		m[k] = v
	}
	r.Metrics, r.Truncated = m, true
	for _, n := range names {
		delete(r.Metrics, n)
		if b, err = marshal(r); err != nil {
			return "", err
		}
		if len(b) <= MaxRecordBytes {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("results record of pod %q does not fit in %d bytes", r.Pod, MaxRecordBytes)
}

// DecodeRecord parses the results annotation of a Job.
func DecodeRecord(s string) (Record, error) {
	var r Record
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return Record{}, fmt.Errorf("results annotation: %w", err)
	}
	return r, nil
}

// PlainMetrics returns the record's metrics as plain floats.
func (r Record) PlainMetrics() map[string]float64 {
	out := make(map[string]float64, len(r.Metrics))
	for k, v := range r.Metrics {
		out[k] = float64(v)
	}
	return out
}

// PatternsKey returns a short stable key of a list of patterns and
// filters ("" for none), recorded with the metrics they parsed.
func PatternsKey(patterns []string, filters ...string) string {
	if len(patterns) == 0 && len(filters) == 0 {
		return ""
	}
	text := strings.Join(patterns, "\n")
	for _, f := range filters {
		text += "\nfilter:" + f
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:6])
}
