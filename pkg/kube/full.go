package kube

import (
	"context"
	"fmt"
	"sort"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// FullJob is a Job as the API server returned it, with nothing dropped but
// its managed fields: the only kind of Job a write may start from (a
// retry's copy, submit's check that a live Job still runs what the file
// renders). Only FetchJobs makes one; the Lists made for reading
// (ListJobsAndPods, the watches) trim what no reader needs, and a Job
// copied from one of those would lose its command, env and volumes.
type FullJob struct{ job *batchv1.Job }

// Job returns the Job, nil for the zero FullJob; callers copy it before
// changing it.
func (f FullJob) Job() *batchv1.Job { return f.job }

// fewNames is how many Jobs FetchJobs asks for by name in one label
// selector (`mlexp.dev/trial in (...)`, at most 64 bytes each in the URL);
// more are fetched by one List of the whole selection, filtered page by page.
const fewNames = 64

// FetchJobs returns in full, by name, the Jobs named names among those
// matching selector in namespace ns; a name without a Job is absent from
// the map. One paged List: of the named trials alone when they are few,
// else of every Job matching selector, keeping only the named ones as each
// page is decoded (also when a named Job was not found by its trial label).
func FetchJobs(ctx context.Context, c kubernetes.Interface, ns, selector string, names []string) (map[string]FullJob, error) {
	out := make(map[string]FullJob, len(names))
	if len(names) == 0 {
		return out, nil
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	list := func(ctx context.Context, o metav1.ListOptions) ([]batchv1.Job, string, error) {
		l, err := c.BatchV1().Jobs(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	}
	keep := func(j *batchv1.Job) bool {
		j.ManagedFields = nil
		return want[j.Name]
	}
	var jobs []batchv1.Job
	var err error
	if len(want) <= fewNames {
		if sel, serr := withTrials(selector, want); serr == nil {
			jobs, err = listKept(ctx, sel, keep, list)
		}
	}
	// Many names, or some Job without its trial label (none that submit
	// wrote): one List of the whole selection.
	if err == nil && len(jobs) < len(want) {
		jobs, err = listKept(ctx, selector, keep, list)
	}
	if err != nil {
		return nil, err
	}
	for i := range jobs {
		out[jobs[i].Name] = FullJob{job: &jobs[i]}
	}
	return out, nil
}

// withTrials adds to selector the requirement that the trial label be one
// of names.
func withTrials(selector string, names map[string]bool) (string, error) {
	s, err := k8slabels.Parse(selector)
	if err != nil {
		return "", fmt.Errorf("selector %q: %w", selector, err)
	}
	vals := make([]string, 0, len(names))
	for n := range names {
		vals = append(vals, n)
	}
	sort.Strings(vals)
	r, err := k8slabels.NewRequirement(keys.Trial, selection.In, vals)
	if err != nil {
		return "", err
	}
	return s.Add(*r).String(), nil
}
