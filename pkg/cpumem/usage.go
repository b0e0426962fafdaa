// Package cpumem joins what metrics.k8s.io measured for an experiment's
// pods with what those pods asked for (requests) and may not exceed
// (limits), so a person can see which trial is busy and which is about to
// be OOMKilled. It sums totals, sorts rows and summarizes nodes; it never
// talks to a cluster.
package cpumem

import (
	corev1 "k8s.io/api/core/v1"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Resources holds CPU in millicores and memory in bytes; a nil field is
// not set (no request, no limit, or not measured).
type Resources struct {
	CPU    *int64 `json:"cpuMillicores,omitempty"`
	Memory *int64 `json:"memoryBytes,omitempty"`
}

// Trial is one running trial to measure: its name, parameters and pod.
type Trial struct {
	Name   string
	Params params.Params
	// Labels are the labels of the trial's Job.
	Labels map[string]string
	Pod    *corev1.Pod
}

// Container is the usage of one container next to its requests and limits.
type Container struct {
	Name string `json:"name"`
	// Usage is nil while metrics-server has no sample for the container.
	Usage              *Resources `json:"usage,omitempty"`
	Requests           Resources  `json:"requests"`
	Limits             Resources  `json:"limits"`
	CPULimitPercent    *float64   `json:"cpuLimitPercent,omitempty"`
	MemoryLimitPercent *float64   `json:"memoryLimitPercent,omitempty"`
}

// Row is the usage of one running trial's pod.
type Row struct {
	Trial  string        `json:"name"`
	Params params.Params `json:"params,omitempty"`
	// Labels are the labels of the trial's Job.
	Labels map[string]string `json:"labels,omitempty"`
	Pod    string            `json:"pod"`
	Node   string            `json:"node,omitempty"`
	// Usage is nil while metrics-server has no sample for the pod.
	Usage    *Resources `json:"usage,omitempty"`
	Requests Resources  `json:"requests"`
	// Limits is the sum of the containers' limits; a resource is unset when
	// any container has no limit for it (the pod as a whole is unbounded).
	Limits Resources `json:"limits"`
	// CPULimitPercent and MemoryLimitPercent are those of the container
	// nearest its limit: a container, not the pod, is throttled or killed.
	CPULimitPercent    *float64    `json:"cpuLimitPercent,omitempty"`
	MemoryLimitPercent *float64    `json:"memoryLimitPercent,omitempty"`
	Containers         []Container `json:"containers"`
}

// Join returns one row per trial, in the order given, with the pod's
// usage from metrics (matched by namespace and pod name).
func Join(trials []Trial, metrics []metricsv1beta1.PodMetrics) []Row {
	byPod := make(map[string]*metricsv1beta1.PodMetrics, len(metrics))
	for i := range metrics {
		m := &metrics[i]
		byPod[m.Namespace+"/"+m.Name] = m
	}
	rows := make([]Row, 0, len(trials))
	for _, t := range trials {
		rows = append(rows, joinPod(t, byPod[t.Pod.Namespace+"/"+t.Pod.Name]))
	}
	return rows
}

func joinPod(t Trial, m *metricsv1beta1.PodMetrics) Row {
	pod := t.Pod
	row := Row{Trial: t.Name, Params: t.Params, Labels: t.Labels, Pod: pod.Name, Node: pod.Spec.NodeName}
	var used map[string]corev1.ResourceList
	if m != nil {
		used = make(map[string]corev1.ResourceList, len(m.Containers))
		for _, c := range m.Containers {
			used[c.Name] = c.Usage
		}
		row.Usage = &Resources{}
	}
	row.Limits = Resources{CPU: new(int64), Memory: new(int64)}
	for _, c := range runningContainers(pod) {
		ct := Container{
			Name:     c.Name,
			Requests: fromList(c.Resources.Requests),
			Limits:   fromList(c.Resources.Limits),
		}
		if u, ok := used[c.Name]; ok {
			ct.Usage = ptr(fromList(u))
			row.Usage.CPU = addPtr(row.Usage.CPU, ct.Usage.CPU)
			row.Usage.Memory = addPtr(row.Usage.Memory, ct.Usage.Memory)
			ct.CPULimitPercent = percent(ct.Usage.CPU, ct.Limits.CPU)
			ct.MemoryLimitPercent = percent(ct.Usage.Memory, ct.Limits.Memory)
		}
		row.Requests.CPU = addPtr(row.Requests.CPU, ct.Requests.CPU)
		row.Requests.Memory = addPtr(row.Requests.Memory, ct.Requests.Memory)
		row.Limits.CPU = addBounded(row.Limits.CPU, ct.Limits.CPU)
		row.Limits.Memory = addBounded(row.Limits.Memory, ct.Limits.Memory)
		row.CPULimitPercent = maxPtr(row.CPULimitPercent, ct.CPULimitPercent)
		row.MemoryLimitPercent = maxPtr(row.MemoryLimitPercent, ct.MemoryLimitPercent)
		row.Containers = append(row.Containers, ct)
	}
	if len(row.Containers) == 0 {
		row.Limits = Resources{}
	}
	// Pod-level resources (spec.resources) bound the pod as a whole.
	if pr := pod.Spec.Resources; pr != nil {
		pl := fromList(pr.Limits)
		if pl.CPU != nil {
			row.Limits.CPU = pl.CPU
		}
		if pl.Memory != nil {
			row.Limits.Memory = pl.Memory
		}
		if rq := fromList(pr.Requests); rq.CPU != nil || rq.Memory != nil {
			row.Requests = mergeSet(row.Requests, rq)
		}
		if row.Usage != nil {
			row.CPULimitPercent = maxPtr(row.CPULimitPercent, percent(row.Usage.CPU, pl.CPU))
			row.MemoryLimitPercent = maxPtr(row.MemoryLimitPercent, percent(row.Usage.Memory, pl.Memory))
		}
	}
	return row
}

// runningContainers returns the containers that run alongside the main
// ones: app containers and sidecars (init containers that always restart).
func runningContainers(pod *corev1.Pod) []corev1.Container {
	var out []corev1.Container
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			out = append(out, c)
		}
	}
	return append(out, pod.Spec.Containers...)
}

// fromList reads CPU (in millicores) and memory (in bytes) from l.
func fromList(l corev1.ResourceList) Resources {
	var r Resources
	if q, ok := l[corev1.ResourceCPU]; ok {
		r.CPU = ptr(q.MilliValue())
	}
	if q, ok := l[corev1.ResourceMemory]; ok {
		r.Memory = ptr(q.Value())
	}
	return r
}

func mergeSet(base, over Resources) Resources {
	if over.CPU != nil {
		base.CPU = over.CPU
	}
	if over.Memory != nil {
		base.Memory = over.Memory
	}
	return base
}

// percent returns 100*used/limit, or nil when either is unknown or the limit is zero.
func percent(used, limit *int64) *float64 {
	if used == nil || limit == nil || *limit <= 0 {
		return nil
	}
	return ptr(100 * float64(*used) / float64(*limit))
}

// addPtr adds b to a, treating nil as "not set": the sum is set when either is.
func addPtr(a, b *int64) *int64 {
	if b == nil {
		return a
	}
	if a == nil {
		return ptr(*b)
	}
	return ptr(*a + *b)
}

// addBounded adds b to a where nil means unbounded: the sum is unbounded
// when either is.
func addBounded(a, b *int64) *int64 {
	if a == nil || b == nil {
		return nil
	}
	return ptr(*a + *b)
}

func maxPtr(a, b *float64) *float64 {
	if b == nil || (a != nil && *a >= *b) {
		return a
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// Running pairs each running trial of statuses with its pod in pods: the
// trials whose usage can be measured.
func Running(statuses []trial.Status, pods []corev1.Pod) []Trial {
	byName := make(map[string]*corev1.Pod, len(pods))
	for i := range pods {
		byName[pods[i].Name] = &pods[i]
	}
	var out []Trial
	for _, s := range statuses {
		if p := byName[s.Pod]; s.State == trial.Running && p != nil {
			out = append(out, Trial{Name: s.Name, Params: s.Params, Labels: s.Labels, Pod: p})
		}
	}
	return out
}
