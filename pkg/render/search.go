package render

import (
	"encoding/json"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// Suggested is one trial of an adaptive search: its suggestion index, its
// parameters and what the algorithm attached to the suggestion.
type Suggested struct {
	Index  int
	Params params.Params
	Meta   map[string]string
}

// IndexName returns the name of trial index of experiment exp's adaptive
// search: the experiment's name and the index, so that two drivers
// creating the same suggestion conflict instead of doubling it.
func IndexName(exp string, index int) string { return fmt.Sprintf("%s-%03d", exp, index) }

// FirstBatch returns the suggestions an adaptive search starts with,
// before any trial has finished: its first Parallel (fewer when MaxTrials
// is lower).
func FirstBatch(s *experiment.Search) ([]Suggested, error) {
	alg, err := search.New(s.Config())
	if err != nil {
		return nil, err
	}
	n := s.Parallel
	if s.MaxTrials > 0 {
		n = min(n, s.MaxTrials)
	}
	sugs, err := alg.Suggest(nil, n)
	if err != nil {
		return nil, fmt.Errorf("algorithm %s: %w", s.Algorithm, err)
	}
	out := make([]Suggested, len(sugs))
	for i, sg := range sugs {
		out[i] = Suggested{Index: i, Params: sg.Params, Meta: sg.Meta}
	}
	return out, nil
}

// RenderSuggested renders the trials sugs of exp's adaptive search. Each
// Job is named by its index (IndexName) and carries, besides what every
// trial carries, the experiment as the mlexp format writes it
// (keys.Search: what `tune` continues from) and the suggestion's Meta.
func RenderSuggested(exp *experiment.Experiment, sugs []Suggested) ([]Trial, error) {
	if exp.Search == nil {
		return nil, fmt.Errorf("experiment %s has no adaptive search", exp.Name)
	}
	stored, err := experiment.EncodeStored(exp)
	if err != nil {
		return nil, err
	}
	sp := exp.Search.Space
	points := make([]space.Point, len(sugs))
	names := make([]string, len(sugs))
	indices := make([]int, len(sugs))
	metas := make([]string, len(sugs))
	for i, sg := range sugs {
		pt := space.Point{Params: sg.Params, Key: space.Canonical(sg.Params), Pos: exp.Search.Pos}
		// The template reads values in the order of the space's names.
		for _, name := range exp.Space.Names() {
			v, ok := sg.Params.Get(name)
			p := sp.Param(name)
			if !ok || p == nil {
				return nil, fmt.Errorf("suggestion %d has no value of parameter %q", sg.Index, name)
			}
			pt.Text = append(pt.Text, experiment.ValueText(p, v))
		}
		points[i], names[i], indices[i] = pt, IndexName(exp.Name, sg.Index), sg.Index
		if len(sg.Meta) > 0 {
			b, err := json.Marshal(sg.Meta)
			if err != nil {
				return nil, err
			}
			metas[i] = string(b)
		}
	}
	count := exp.Search.MaxTrials
	trials := make([]Trial, len(sugs))
	r := renderer{exp: exp, names: names, indices: indices, count: count,
		annotate: func(i int, job *batchv1.Job) {
			job.Annotations[keys.Search] = stored
			if metas[i] != "" {
				job.Annotations[keys.SearchMeta] = metas[i]
			}
		}}
	if err := renderAll(r, points, trials); err != nil {
		return nil, err
	}
	return trials, nil
}

// renderFirstBatch renders an adaptive search's first batch: what submit
// creates before the driver takes over.
func renderFirstBatch(exp *experiment.Experiment) ([]Trial, []string, error) {
	sugs, err := FirstBatch(exp.Search)
	if err != nil {
		return nil, exp.Warnings, err
	}
	trials, err := RenderSuggested(exp, sugs)
	if err != nil {
		return nil, exp.Warnings, err
	}
	return trials, append(append([]string(nil), exp.Warnings...), memoryWarnings(trials)...), nil
}
