package delete

import (
	"context"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// namesPerSelector caps the trial names in one "trial in (...)" selector,
// so a request line stays short whatever the number of trials.
const namesPerSelector = 100

// target is what goes of one experiment: all of it, or some trials.
type target struct {
	experiment string
	// whole says every Job and pod of the experiment goes.
	whole bool
	// names are the Jobs that go, in trial order.
	names []string
	// jobs are those Jobs (their UIDs find their Kueue Workloads).
	jobs []batchv1.Job
}

// targets lists each experiment's Jobs (one List each) and works out what
// goes; a missing experiment or a --trial found in none is an error before
// anything is deleted.
func (o *Options) targets(ctx context.Context) ([]target, error) {
	narrowed := o.TrialFlags.Narrowed() || o.Failed
	found := make([]bool, len(o.Trials))
	var out []target
	for _, exp := range o.experiments {
		sel, err := o.TrialFlags.Selector(exp)
		if err != nil {
			return nil, err
		}
		jobs, err := o.listJobs(ctx, sel)
		if err != nil {
			return nil, err
		}
		if len(jobs) == 0 && o.LabelSelector == "" {
			if o.IgnoreNotFound {
				continue
			}
			return nil, kube.ExperimentNotFound(exp, o.namespace)
		}
		statuses := trial.FromJobs(jobs, nil)
		t := target{experiment: exp, whole: !narrowed}
		f, err := o.TrialFlags.Filter(exp)
		if err != nil {
			return nil, err
		}
		present := make(map[string]bool, len(statuses))
		for _, s := range statuses {
			present[s.Name] = true
		}
		for i, n := range f.Names {
			found[i] = found[i] || present[n]
		}
		byName := make(map[string]int, len(jobs))
		for i := range jobs {
			byName[jobs[i].Name] = i
		}
		kept, _, err := f.Apply(statuses)
		if err != nil {
			return nil, err
		}
		for _, s := range kept {
			if o.Failed && s.State != trial.Failed && s.State != trial.OOMKilled {
				continue
			}
			t.names = append(t.names, s.Name)
			if i, ok := byName[s.Name]; ok {
				t.jobs = append(t.jobs, jobs[i])
			}
		}
		if len(t.names) > 0 {
			out = append(out, t)
		}
	}
	var missing []string
	for i, ok := range found {
		if !ok {
			missing = append(missing, o.Trials[i])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("--trial: no trial %s in experiment(s) %s", strings.Join(missing, ", "), strings.Join(o.experiments, ", "))
	}
	return out, nil
}

// listJobs lists the Jobs of selector sel as a selection reads them:
// metadata only (names, labels, parameters and UIDs are all it reads)
// unless --failed needs their status or -o prints them whole. A
// metadata-only Job is a Job with its ObjectMeta alone.
func (o *Options) listJobs(ctx context.Context, sel string) ([]batchv1.Job, error) {
	if o.Failed || o.PrintFlags.Objects() {
		return kube.ListJobs(ctx, o.client, o.namespace, sel)
	}
	metas, err := kube.ListJobMeta(ctx, o.client, o.namespace, sel)
	if err != nil {
		return nil, err
	}
	jobs := make([]batchv1.Job, len(metas))
	for i := range metas {
		jobs[i].ObjectMeta = metas[i].ObjectMeta
	}
	return jobs, nil
}

// base is the selector of every object of the target's experiment.
func (t target) base() string { return keys.ForExperiment(t.experiment) }

// wholeAtOnce is the most Jobs one DeleteCollection of a whole experiment
// removes. The API server deletes a collection one item at a time within
// its request timeout (60 s): 10,000 Jobs took longer and the request
// failed (hack/bench, docs/performance.md).
var wholeAtOnce = 1000

// selectors returns the label selectors whose objects go: the
// experiment's, or its trials' names a chunk at a time. A whole experiment
// of more than wholeAtOnce Jobs also goes a chunk at a time, then by the
// experiment's label for what no name covers (pods left without a Job).
func (t target) selectors() []string {
	if t.whole && len(t.names) <= wholeAtOnce {
		return []string{t.base()}
	}
	var out []string
	for start := 0; start < len(t.names); start += namesPerSelector {
		chunk := t.names[start:min(start+namesPerSelector, len(t.names))]
		exp, err := k8slabels.NewRequirement(keys.Experiment, selection.Equals, []string{t.experiment})
		if err != nil {
			panic(err) // a valid experiment name is a valid label value
		}
		in, err := k8slabels.NewRequirement(keys.Trial, selection.In, chunk)
		if err != nil {
			panic(err) // trial names are valid label values
		}
		out = append(out, k8slabels.NewSelector().Add(*exp, *in).String())
	}
	if t.whole {
		out = append(out, t.base())
	}
	return out
}

// count returns how many of the target's Jobs and pods (their metadata)
// are left.
func (t target) count(jobs, pods []metav1.PartialObjectMetadata) int {
	if t.whole {
		return len(jobs) + len(pods)
	}
	gone := make(map[string]bool, len(t.names))
	for _, n := range t.names {
		gone[n] = true
	}
	n := 0
	for _, j := range jobs {
		if gone[j.Name] {
			n++
		}
	}
	for _, p := range pods {
		if gone[p.Labels[keys.Trial]] {
			n++
		}
	}
	return n
}
