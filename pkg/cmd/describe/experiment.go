package describe

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	kdescribe "k8s.io/kubectl/pkg/describe"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// describeExperiment prints the experiment's summary from one List each
// of its Jobs and pods.
func (o *Options) describeExperiment(ctx context.Context) error {
	jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, keys.ForExperiment(o.experiment))
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		return kube.ExperimentNotFound(o.experiment, o.namespace)
	}
	statuses := trial.FromJobs(jobs, pods)
	return tabbed(o.Out, func(w io.Writer) { o.printExperiment(kdescribe.NewPrefixWriter(w), jobs, statuses) })
}

func (o *Options) printExperiment(w kdescribe.PrefixWriter, jobs []batchv1.Job, statuses []trial.Status) {
	now := o.Now()
	w.Write(kdescribe.LEVEL_0, "Name:\t%s\n", o.experiment)
	w.Write(kdescribe.LEVEL_0, "Namespace:\t%s\n", o.namespace)
	trials := fmt.Sprint(len(jobs))
	if n, missing := trial.Gone(jobs); len(missing) > 0 {
		trials += fmt.Sprintf(" (the file had %d: %d have no Job any more)", n, len(missing))
	}
	w.Write(kdescribe.LEVEL_0, "Trials:\t%s\n", trials)
	w.Write(kdescribe.LEVEL_0, "States:\t%s\n", strings.TrimPrefix(trial.Summarize(statuses).String(), fmt.Sprintf("%d trials: ", len(statuses))))
	first, last := jobs[0].CreationTimestamp.Time, jobs[0].CreationTimestamp.Time
	for _, j := range jobs {
		t := j.CreationTimestamp.Time
		if t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	w.Write(kdescribe.LEVEL_0, "Submitted:\t%s\n", stamp(&first, now))
	if last.Sub(first) > time.Minute {
		w.Write(kdescribe.LEVEL_0, "Newest Job:\t%s\n", stamp(&last, now))
	}
	printParamSpace(w, statuses)
	printDistinct(w, "Images", jobs, func(j *batchv1.Job) []string {
		var out []string
		for _, c := range j.Spec.Template.Spec.Containers {
			out = append(out, c.Image)
		}
		return out
	})
	printDistinct(w, "Resources", jobs, func(j *batchv1.Job) []string {
		var out []string
		for _, c := range j.Spec.Template.Spec.Containers {
			out = append(out, fmt.Sprintf("%s: limits %s; requests %s", c.Name, resourceList(c.Resources.Limits), resourceList(c.Resources.Requests)))
		}
		return out
	})
	if spec := newestAnnotation(jobs, keys.ResultsSpec); spec != "" {
		if s, err := ranking.DecodeSpec(spec); err == nil {
			w.Write(kdescribe.LEVEL_0, "Results:\tmetric %s, goal %s, %d pattern(s)\n", orDash(s.Metric), orDash(s.Goal), len(s.Patterns))
		}
	}
	printDistinct(w, "TTL After Finished", jobs, func(j *batchv1.Job) []string {
		if t := j.Spec.TTLSecondsAfterFinished; t != nil {
			return []string{fmt.Sprintf("%ds (finished trials' Jobs and pods are deleted then)", *t)}
		}
		return nil
	})
	retried, most := 0, 1
	for _, s := range statuses {
		if s.Attempt > 1 {
			retried++
			most = max(most, s.Attempt)
		}
	}
	if retried > 0 {
		w.Write(kdescribe.LEVEL_0, "Retried:\t%d trial(s), up to attempt %d\n", retried, most)
	}
	printGrouped(w, "Waiting", statuses, func(s *trial.Status) bool { return s.State == trial.Pending || s.State == trial.Suspended })
	printGrouped(w, "Failed", statuses, func(s *trial.Status) bool { return s.State == trial.Failed || s.State == trial.OOMKilled })
	printGrouped(w, "Succeeded Out Of Memory", statuses, func(s *trial.Status) bool { return s.State == trial.Succeeded && s.OutOfMemory() })
}

// newestAnnotation returns annotation key of the newest Job that has it.
func newestAnnotation(jobs []batchv1.Job, key string) string {
	var newest *batchv1.Job
	for i := range jobs {
		if _, ok := jobs[i].Annotations[key]; !ok {
			continue
		}
		if newest == nil || jobs[i].CreationTimestamp.After(newest.CreationTimestamp.Time) {
			newest = &jobs[i]
		}
	}
	if newest == nil {
		return ""
	}
	return newest.Annotations[key]
}

// printParamSpace lists each parameter with its distinct values.
func printParamSpace(w kdescribe.PrefixWriter, statuses []trial.Status) {
	names := trial.ParamColumns(statuses)
	if len(names) == 0 {
		return
	}
	w.Write(kdescribe.LEVEL_0, "Parameters:\n")
	for _, n := range names {
		seen := map[string]bool{}
		var values []string
		for _, s := range statuses {
			if v, ok := s.Params.Get(n); ok && !seen[params.Format(v)] {
				seen[params.Format(v)] = true
				values = append(values, params.Format(v))
			}
		}
		w.Write(kdescribe.LEVEL_1, "%s:\t%s\n", n, abbreviate(values, 8))
	}
}

// printDistinct lists the distinct values of a field over the Jobs, with
// how many Jobs have each.
func printDistinct(w kdescribe.PrefixWriter, title string, jobs []batchv1.Job, values func(*batchv1.Job) []string) {
	count := map[string]int{}
	var order []string
	for i := range jobs {
		for _, v := range values(&jobs[i]) {
			if count[v] == 0 {
				order = append(order, v)
			}
			count[v]++
		}
	}
	switch len(order) {
	case 0:
		return
	case 1:
		w.Write(kdescribe.LEVEL_0, "%s:\t%s\n", title, order[0])
		return
	}
	w.Write(kdescribe.LEVEL_0, "%s:\n", title)
	for _, v := range order {
		w.Write(kdescribe.LEVEL_1, "%s\t(%d trials)\n", v, count[v])
	}
}

// printGrouped lists the reasons of the trials keep keeps, most frequent
// first, with how many trials give each.
func printGrouped(w kdescribe.PrefixWriter, title string, statuses []trial.Status, keep func(*trial.Status) bool) {
	count := map[string]int{}
	for i := range statuses {
		s := &statuses[i]
		if keep(s) {
			count[string(s.State)+": "+s.ReasonText(false)]++
		}
	}
	if len(count) == 0 {
		return
	}
	reasons := make([]string, 0, len(count))
	for r := range count {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(a, b int) bool {
		if count[reasons[a]] != count[reasons[b]] {
			return count[reasons[a]] > count[reasons[b]]
		}
		return reasons[a] < reasons[b]
	})
	w.Write(kdescribe.LEVEL_0, "%s:\n", title)
	for _, r := range reasons {
		w.Write(kdescribe.LEVEL_1, "%d\t%s\n", count[r], r)
	}
}

func abbreviate(values []string, max int) string {
	if len(values) <= max {
		return strings.Join(values, ", ")
	}
	return strings.Join(values[:max], ", ") + fmt.Sprintf(", ... (%d values)", len(values))
}
