package cpumem

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// Peak is the highest CPU and memory one trial's pod was seen using, over
// the metrics-server samples taken while `top -w --record` or
// `report --watch` ran. It is recorded on the trial's Job (annotation
// keys.PeakUsage) so it outlives the pod.
type Peak struct {
	// CPU is the highest CPU sample in millicores; nil when none was taken.
	CPU *int64 `json:"cpuMillicores,omitempty"`
	// Memory is the highest working-set sample in bytes; nil when none was taken.
	Memory *int64 `json:"memoryBytes,omitempty"`
	// Samples counts the samples the peak was taken over.
	Samples int `json:"samples"`
}

// Add returns p raised by one sample of the pod's usage.
func (p Peak) Add(u Resources) Peak {
	p.CPU = maxInt(p.CPU, u.CPU)
	p.Memory = maxInt(p.Memory, u.Memory)
	p.Samples++
	return p
}

// Merge returns the higher of p and q, with the larger sample count (two
// watchers may have sampled the same pod at the same time).
func (p Peak) Merge(q Peak) Peak {
	p.CPU = maxInt(p.CPU, q.CPU)
	p.Memory = maxInt(p.Memory, q.Memory)
	p.Samples = max(p.Samples, q.Samples)
	return p
}

// Raised reports whether p is higher than q in CPU or memory: what is
// worth writing again.
func (p Peak) Raised(q Peak) bool {
	return above(p.CPU, q.CPU) || above(p.Memory, q.Memory)
}

// IsZero reports whether p holds no sample.
func (p Peak) IsZero() bool { return p.CPU == nil && p.Memory == nil }

// Encode returns p as the annotation's JSON.
func (p Peak) Encode() string {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // pointers to integers always marshal
	}
	return string(b)
}

// DecodePeak parses the peak-usage annotation of a Job.
func DecodePeak(s string) (Peak, error) {
	var p Peak
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return Peak{}, fmt.Errorf("peak usage annotation: %w", err)
	}
	return p, nil
}

// PodLimits returns the CPU and memory a pod of spec may not exceed: the
// sum over its running containers (unset when any container has no limit)
// or the pod-level limit.
func PodLimits(spec *corev1.PodSpec) Resources {
	pod := &corev1.Pod{Spec: *spec}
	var out Resources
	for i, c := range runningContainers(pod) {
		l := fromList(c.Resources.Limits)
		if i == 0 {
			out = l
			continue
		}
		out.CPU, out.Memory = addBounded(out.CPU, l.CPU), addBounded(out.Memory, l.Memory)
	}
	if spec.Resources != nil {
		out = mergeSet(out, fromList(spec.Resources.Limits))
	}
	return out
}

func maxInt(a, b *int64) *int64 {
	if b == nil || (a != nil && *a >= *b) {
		return a
	}
	return ptr(*b)
}

func above(a, b *int64) bool {
	return a != nil && (b == nil || *a > *b)
}
