package drive

import (
	"context"
	"fmt"
	"math"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// View is a search as status and wait show it: read from the Jobs (the
// stored experiment, the trials' states and recorded objectives) and the
// search's Lease; no log is read.
type View struct {
	Algorithm string `json:"algorithm"`
	Metric    string `json:"metric"`
	Goal      string `json:"goal"`
	Finished  int    `json:"finished"`
	Running   int    `json:"running"`
	Failed    int    `json:"failed"`
	MaxTrials int    `json:"maxTrials,omitempty"`
	// Best is the best finished trial's name, "" when none has a value.
	Best      string  `json:"best,omitempty"`
	BestValue float64 `json:"bestValue,omitempty"`
	// End says how the search ended; nil while it runs.
	End *End `json:"end,omitempty"`
	// Holder is the driver holding the search's lease; nil when none does.
	Holder *Holder `json:"driver,omitempty"`
}

// ViewOf returns the search of the experiment whose Jobs and statuses are
// given (one experiment's), or nil when they carry no adaptive search. The
// lease is read with one GET; a lease that cannot be read is left out.
func ViewOf(ctx context.Context, c kubernetes.Interface, ns string, jobs []batchv1.Job, statuses []trial.Status) (*View, error) {
	newest := -1
	for i := range jobs {
		if _, ok := jobs[i].Annotations[keys.Search]; ok && (newest < 0 || jobs[i].CreationTimestamp.After(jobs[newest].CreationTimestamp.Time)) {
			newest = i
		}
	}
	if newest < 0 {
		return nil, nil
	}
	j := &jobs[newest]
	exp, err := experiment.DecodeStored(j.Name, j.Annotations[keys.Search], experiment.Options{})
	if err != nil {
		return nil, err
	}
	sr := exp.Search
	spec := Spec{Goal: sr.Objective.Goal, Target: sr.Objective.Target, Parallel: sr.Parallel, MaxTrials: sr.MaxTrials, MaxFailed: max(sr.MaxFailed, 0)}
	byName := make(map[string]*batchv1.Job, len(jobs))
	for i := range jobs {
		byName[jobs[i].Name] = &jobs[i]
	}
	trials := make([]search.Trial, 0, len(statuses))
	for _, s := range statuses {
		trials = append(trials, viewTrial(s, byName[s.Name]))
	}
	d := Tally(spec, trials)
	if d.End == nil {
		d.End = recordedEnd(jobs)
	}
	v := &View{Algorithm: sr.Algorithm, Metric: sr.Objective.Metric, Goal: sr.Objective.Goal.String(),
		Finished: d.Finished, Running: d.Running, Failed: d.Failed, MaxTrials: sr.MaxTrials, End: d.End}
	if d.Best >= 0 {
		v.Best, v.BestValue = render.IndexName(exp.Name, d.Best), valueOf(trials, d.Best)
	}
	if h, err := ReadHolder(ctx, c, ns, exp.Name); err == nil {
		v.Holder = h
	}
	return v, nil
}

// viewTrial is one trial as the view counts it: its state, and its
// objective as the driver recorded it (a trial that finished before the
// driver read it counts as finished without a value).
func viewTrial(s trial.Status, job *batchv1.Job) search.Trial {
	t := search.Trial{Index: s.Index, Params: s.Params, Value: math.NaN()}
	var o Objective
	if job != nil {
		if enc, ok := job.Annotations[keys.Objective]; ok {
			o, _ = DecodeObjective(enc)
		}
	}
	if o.Value != nil {
		t.Value = *o.Value
	}
	switch {
	case s.State == trial.EarlyStopped:
		t.State = search.EarlyStopped
	case s.State == trial.Succeeded:
		t.State = search.Completed
	case s.State.Finished():
		t.State = search.Failed
	default:
		t.State = search.Running
	}
	return t
}

// Line is the view in one line, for status: the algorithm, trials done,
// the best so far, and the driver or how the search ended.
func (v *View) Line(now time.Time) string {
	line := fmt.Sprintf("search: %s, %d", v.Algorithm, v.Finished)
	if v.MaxTrials > 0 {
		line += fmt.Sprintf(" of %d", v.MaxTrials)
	}
	line += fmt.Sprintf(" trials finished, %d running", v.Running)
	if v.Best != "" {
		line += fmt.Sprintf("; best %s %s=%s", v.Best, v.Metric, formatValue(v.BestValue))
	}
	switch {
	case v.End != nil:
		line += "; ended: " + v.End.Message
	case v.Holder != nil && !v.Holder.Expired(now):
		line += fmt.Sprintf("; driven by %s (lease renewed %v ago)", v.Holder.Identity, now.Sub(v.Holder.Renewed).Round(time.Second))
	default:
		line += "; not driven: no driver holds its lease (kubectl mlexp tune continues it)"
	}
	return line
}
