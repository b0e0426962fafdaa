package top

import (
	"context"
	"errors"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Result is one frame of top; it is what `top -o json|yaml|jsonpath|...`
// prints, a TrialUsageList (fields in docs/output.md).
type Result struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   common.ListMeta `json:"metadata"`
	Experiment string          `json:"experiment"`
	Namespace  string          `json:"namespace"`
	// Summary counts the experiment's trials by state.
	Summary map[string]int `json:"summary"`
	// Trials has one row per running trial: the list's items.
	Trials []cpumem.Row  `json:"items"`
	Total  cpumem.Total  `json:"total"`
	Nodes  []cpumem.Node `json:"nodes,omitempty"`
	Notes  []string      `json:"notes,omitempty"`
	counts trial.Counts  `json:"-"`
}

// errMetricsUnavailable marks the metrics API missing or down.
var errMetricsUnavailable = errors.New("metrics API not available: is metrics-server running?")

// listOnce lists the experiment's Jobs, pods and pod metrics concurrently.
func (o *Options) listOnce(ctx context.Context) ([]batchv1.Job, []corev1.Pod, []metricsv1beta1.PodMetrics, error) {
	var (
		jobs []batchv1.Job
		pods []corev1.Pod
		pm   []metricsv1beta1.PodMetrics
	)
	g := kube.Reads()
	g.Go(func() (err error) {
		jobs, pods, err = kube.ListJobsAndPods(ctx, o.client, o.namespace, keys.ForExperiment(o.experiment))
		return err
	})
	g.Go(func() (err error) {
		pm, err = o.listPodMetrics(ctx)
		return err
	})
	err := g.Wait()
	return jobs, pods, pm, err
}

// listPodMetrics lists the metrics of the experiment's pods in one call.
func (o *Options) listPodMetrics(ctx context.Context) ([]metricsv1beta1.PodMetrics, error) {
	l, err := o.metrics.MetricsV1beta1().PodMetricses(o.namespace).List(ctx, metav1.ListOptions{LabelSelector: keys.ForExperiment(o.experiment)})
	if err != nil {
		return nil, metricsError(err, o.namespace)
	}
	return l.Items, nil
}

// metricsError turns the aggregator's answers for a missing metrics API
// (404: no APIService; 503: metrics-server down or unreachable; timeouts)
// and RBAC's refusal into one clear line.
func metricsError(err error, ns string) error {
	if apierrors.IsNotFound(err) || apierrors.IsServiceUnavailable(err) ||
		apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) {
		return fmt.Errorf("%w (%v)", errMetricsUnavailable, err)
	}
	if apierrors.IsForbidden(err) {
		denied := &kube.AccessError{Access: kube.Access{Verb: "list", Group: "metrics.k8s.io", Resource: "pods"}, Namespace: ns}
		return fmt.Errorf("metrics are forbidden: %w", denied)
	}
	return fmt.Errorf("list pod metrics: %w", err)
}

// nodeCache keeps the nodes between refreshes: their allocatable rarely
// changes, so they are listed again only when a trial lands on a new node.
type nodeCache struct {
	nodes map[string]corev1.Node
	// note is set once listing nodes failed; they are not asked for again.
	note string
}

// build joins one view of Jobs, pods and pod metrics into a frame, listing
// node usage (and nodes when needed) for the nodes running trials.
func (o *Options) build(ctx context.Context, jobs []batchv1.Job, pods []corev1.Pod, pm []metricsv1beta1.PodMetrics, nc *nodeCache) (Result, error) {
	jobs, _ = o.TrialFlags.KeepJobs(jobs) // checked in Complete
	statuses, _, err := o.filter.Apply(trial.FromJobs(jobs, pods))
	if err != nil {
		return Result{}, err
	}
	res := Result{APIVersion: common.APIVersion, Kind: "TrialUsageList", Experiment: o.experiment, Namespace: o.namespace,
		Summary: map[string]int{}, Trials: []cpumem.Row{}, counts: trial.Count(statuses)}
	for st, n := range res.counts {
		res.Summary[strings.ToLower(string(st))] = n
	}
	running := cpumem.Running(statuses, pods)
	if len(running) > 0 {
		res.Trials = cpumem.Join(running, pm)
	}
	cpumem.Sort(res.Trials, o.sortBy)
	res.Total = cpumem.Sum(res.Trials)
	if n := res.Total.NoSample; n > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("metrics-server has no sample yet for %d running %s (it scrapes every ~15s)", n, plural(n, "trial")))
	}
	if names := cpumem.NodeNames(res.Trials); len(names) > 0 {
		nodes, nm, note := o.listNodes(ctx, names, nc)
		if nodes != nil || nm != nil {
			res.Nodes = cpumem.Nodes(res.Trials, nodes, nm)
		}
		if note != "" {
			res.Notes = append(res.Notes, note)
		}
	}
	return res, nil
}

// listNodes lists node metrics, and nodes unless the cache covers names;
// a failure of either is a one-line note, not an error: the trials matter
// more. It returns the nodes of names it knows.
func (o *Options) listNodes(ctx context.Context, names []string, nc *nodeCache) ([]corev1.Node, []metricsv1beta1.NodeMetrics, string) {
	needNodes := nc.note == ""
	if needNodes && nc.nodes != nil {
		needNodes = false
		for _, n := range names {
			if _, ok := nc.nodes[n]; !ok {
				needNodes = true
			}
		}
	}
	var (
		nodes            []corev1.Node
		nm               []metricsv1beta1.NodeMetrics
		nodeErr, metrErr error
	)
	g := kube.Reads()
	if needNodes {
		g.Go(func() error {
			l, err := o.client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err != nil {
				nodeErr = err
				return nil
			}
			nodes = l.Items
			return nil
		})
	}
	g.Go(func() error {
		l, err := o.metrics.MetricsV1beta1().NodeMetricses().List(ctx, metav1.ListOptions{})
		if err != nil {
			metrErr = err
			return nil
		}
		nm = l.Items
		return nil
	})
	_ = g.Wait()
	switch {
	case nodeErr != nil:
		nc.note = firstLine(nodeErr)
	case needNodes:
		nc.nodes = make(map[string]corev1.Node, len(nodes))
		for _, n := range nodes {
			nc.nodes[n.Name] = n
		}
	}
	var known []corev1.Node
	for _, n := range names {
		if node, ok := nc.nodes[n]; ok {
			known = append(known, node)
		}
	}
	switch {
	case nc.note != "" && metrErr != nil:
		return nil, nil, "nodes not shown: " + nc.note
	case nc.note != "":
		return known, nm, "nodes' allocatable not shown: " + nc.note
	case metrErr != nil:
		return known, nil, "node usage not shown: " + firstLine(metrErr)
	}
	return known, nm, ""
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
