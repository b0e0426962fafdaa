package cpumem

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// Node is the usage of one node the experiment runs on.
type Node struct {
	Name string `json:"name"`
	// Trials is how many of the rows run on the node.
	Trials int `json:"trials"`
	// Usage is the whole node's usage; nil while metrics-server has no sample.
	Usage *Resources `json:"usage,omitempty"`
	// Allocatable is what the node offers pods; unset when nodes could not be read.
	Allocatable   Resources `json:"allocatable"`
	CPUPercent    *float64  `json:"cpuPercent,omitempty"`
	MemoryPercent *float64  `json:"memoryPercent,omitempty"`
	// Experiment is the part of the node's usage that is the experiment's.
	Experiment Resources `json:"experiment"`
}

// NodeNames returns the distinct nodes of rows, sorted.
func NodeNames(rows []Row) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		if r.Node != "" && !seen[r.Node] {
			seen[r.Node] = true
			out = append(out, r.Node)
		}
	}
	sort.Strings(out)
	return out
}

// Nodes summarizes the nodes rows run on, sorted by name; nodes and
// metrics may hold other nodes too, or be nil when they could not be read.
func Nodes(rows []Row, nodes []corev1.Node, metrics []metricsv1beta1.NodeMetrics) []Node {
	byName := make(map[string]*corev1.Node, len(nodes))
	for i := range nodes {
		byName[nodes[i].Name] = &nodes[i]
	}
	used := make(map[string]corev1.ResourceList, len(metrics))
	for _, m := range metrics {
		used[m.Name] = m.Usage
	}
	var out []Node
	for _, name := range NodeNames(rows) {
		n := Node{Name: name}
		if obj := byName[name]; obj != nil {
			n.Allocatable = fromList(obj.Status.Allocatable)
		}
		if u, ok := used[name]; ok {
			n.Usage = ptr(fromList(u))
			n.CPUPercent = percent(n.Usage.CPU, n.Allocatable.CPU)
			n.MemoryPercent = percent(n.Usage.Memory, n.Allocatable.Memory)
		}
		for _, r := range rows {
			if r.Node != name {
				continue
			}
			n.Trials++
			if r.Usage != nil {
				n.Experiment.CPU = addPtr(n.Experiment.CPU, r.Usage.CPU)
				n.Experiment.Memory = addPtr(n.Experiment.Memory, r.Usage.Memory)
			}
		}
		out = append(out, n)
	}
	return out
}
