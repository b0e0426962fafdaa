package drive

import (
	"encoding/json"
	"math"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// objectiveOf returns a trial's objective: the one recorded on its Job,
// else the one its log gave now (item.Curves, read by collect), else none
// (false).
func objectiveOf(it *collect.Item, metric, strategy string) (Objective, bool) {
	if it.Job != nil {
		if s, ok := it.Job.Annotations[keys.Objective]; ok {
			if o, err := DecodeObjective(s); err == nil {
				return o, true
			}
		}
	}
	if it.Fresh {
		return ObjectiveOf(metric, strategy, it.Curves[metric]), true
	}
	return Objective{}, false
}

// stateOf says where a trial is, as the search sees it: stopped early
// when the driver said so on its Job; finished with a value when it
// succeeded and reported the objective (a trial that succeeded without it
// counts as failed, as Katib's "metrics unavailable"); failed when it
// failed; otherwise still running (waiting, queued, suspended by hand).
func stateOf(it *collect.Item, o Objective, known bool) search.State {
	if it.Job != nil {
		if _, ok := it.Job.Annotations[keys.EarlyStopped]; ok {
			return search.EarlyStopped
		}
	}
	switch {
	case !it.Status.State.Finished(), it.Job != nil && !jobEnded(it.Job):
		// A trial whose pod has ended counts as running until its Job
		// says it ended, as Katib counts a trial until its Job completes:
		// the search never has more unfinished Jobs than it may.
		return search.Running
	case it.Status.State == trial.Succeeded && known && o.Value != nil:
		return search.Completed
	}
	return search.Failed
}

// searchTrials is the search's view of the collected trials: index,
// parameters, state, objective, curve and the algorithm's note.
func searchTrials(items []*collect.Item, metric, strategy string) []search.Trial {
	out := make([]search.Trial, 0, len(items))
	for _, it := range items {
		o, known := objectiveOf(it, metric, strategy)
		t := search.Trial{Index: it.Status.Index, Params: it.Status.Params, State: stateOf(it, o, known), Value: math.NaN()}
		if o.Value != nil {
			t.Value = *o.Value
		}
		t.Curve = o.Steps()
		if it.Job != nil {
			if s, ok := it.Job.Annotations[keys.SearchMeta]; ok {
				_ = json.Unmarshal([]byte(s), &t.Meta)
			}
		}
		out = append(out, t)
	}
	return out
}

// jobEnded reports whether the Job controller has marked a Job complete or
// failed. SuccessCriteriaMet and FailureTarget come first and do not count:
// the pods of a Job with FailureTarget may still be running.
func jobEnded(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		switch c.Type {
		case batchv1.JobComplete, batchv1.JobFailed:
			if c.Status == corev1.ConditionTrue {
				return true
			}
		}
	}
	return false
}
