package ranking

import (
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Result is the ranking as data: the fields of `results -o json` (its
// ResultList), documented in docs/output.md.
type Result struct {
	Experiment string `json:"experiment,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	// Metric and Goal are the ranking the trials are sorted by.
	Metric string `json:"metric"`
	Goal   Goal   `json:"goal"`
	// Target is the value of Metric a trial should reach, if any.
	Target *Value `json:"target,omitempty"`
	// Best names the best trial, if any trial reported the metric.
	Best string `json:"best,omitempty"`
	// Trials are the items of the printed ResultList, best first.
	Trials []TrialResult `json:"items"`
}

// TrialResult is one trial in Result, best first.
type TrialResult struct {
	Rank       int                     `json:"rank,omitempty"`
	Best       bool                    `json:"best,omitempty"`
	Name       string                  `json:"name"`
	Params     params.Params           `json:"params"`
	Labels     map[string]string       `json:"labels,omitempty"`
	State      trial.State             `json:"state"`
	PodGone    bool                    `json:"podGone,omitempty"`
	Pod        string                  `json:"pod,omitempty"`
	Source     string                  `json:"source,omitempty"`
	FromRecord bool                    `json:"fromRecord,omitempty"`
	Value      *Value                  `json:"value,omitempty"`
	Reached    bool                    `json:"reached,omitempty"`
	Metrics    map[string]Value        `json:"metrics"`
	Curves     map[string][]CurvePoint `json:"curves,omitempty"`
}

// Result returns the table in the shape of -o json and -o yaml, with every
// metric and the per-epoch curves.
func (t *Table) Result() Result {
	out := Result{Metric: t.Metric, Goal: t.Goal, Trials: make([]TrialResult, len(t.Rows))}
	if t.Target != nil {
		v := Value(*t.Target)
		out.Target = &v
	}
	if best, _ := t.Best(); best != nil {
		out.Best = best.Name
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		tr := TrialResult{
			Rank: r.Rank, Best: r.Best, Name: r.Name, Params: r.Params, Labels: r.Labels, State: r.State,
			PodGone: r.PodGone, Pod: r.Pod, Source: r.Source, FromRecord: r.FromRecord, Reached: r.Reached,
			Metrics: make(map[string]Value, len(r.Metrics)), Curves: r.Curves,
		}
		if tr.Params == nil {
			tr.Params = params.Params{}
		}
		if r.HasValue {
			v := Value(r.Value)
			tr.Value = &v
		}
		for k, v := range r.Metrics {
			tr.Metrics[k] = Value(v)
		}
		out.Trials[i] = tr
	}
	return out
}
