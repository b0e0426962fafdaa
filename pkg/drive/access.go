package drive

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Needs is what a driver does in the experiment's namespace, checked
// before its first write: it watches Jobs and pods, reads logs, creates
// trials and patches them (records, early stops), and holds a Lease.
var Needs = []kube.Access{
	{Verb: "list", Group: "batch", Resource: "jobs"},
	{Verb: "watch", Group: "batch", Resource: "jobs"},
	{Verb: "create", Group: "batch", Resource: "jobs"},
	{Verb: "patch", Group: "batch", Resource: "jobs"},
	{Verb: "list", Resource: "pods"},
	{Verb: "watch", Resource: "pods"},
	{Verb: "get", Resource: "pods", Subresource: "log"},
	{Verb: "get", Group: "coordination.k8s.io", Resource: "leases"},
	{Verb: "create", Group: "coordination.k8s.io", Resource: "leases"},
	{Verb: "update", Group: "coordination.k8s.io", Resource: "leases"},
}

// Stored finds the experiment an adaptive search's Jobs carry (the newest
// Job's keys.Search): what `tune` continues from. It says so when the
// experiment does not exist, or was not an adaptive search.
func Stored(ctx context.Context, c kubernetes.Interface, ns, exp string, opts experiment.Options) (*experiment.Experiment, error) {
	jobs, err := kube.ListJobs(ctx, c, ns, keys.ForExperiment(exp))
	if err != nil {
		return nil, err
	}
	if len(jobs) == 0 {
		return nil, kube.ExperimentNotFound(exp, ns)
	}
	stored, err := StoredIn(jobs, opts)
	if err == nil && stored == nil {
		return nil, fmt.Errorf("experiment %q is not an adaptive search: submit created all its %d trials at once, so there is nothing to drive (submit a file with an algorithm that learns, or with --drive)", exp, len(jobs))
	}
	return stored, err
}

// StoredIn returns the experiment stored on the newest of jobs that
// carries one (keys.Search), or nil when none does: the experiment was
// not an adaptive search.
func StoredIn(jobs []batchv1.Job, opts experiment.Options) (*experiment.Experiment, error) {
	newest := -1
	for i := range jobs {
		if _, ok := jobs[i].Annotations[keys.Search]; !ok {
			continue
		}
		if newest < 0 || jobs[i].CreationTimestamp.After(jobs[newest].CreationTimestamp.Time) {
			newest = i
		}
	}
	if newest < 0 {
		return nil, nil
	}
	j := &jobs[newest]
	return experiment.DecodeStored(j.Name, j.Annotations[keys.Search], opts)
}
