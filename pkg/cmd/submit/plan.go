package submit

import (
	"fmt"
	"sort"
	"strings"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Action is what submit does with one trial.
type Action string

const (
	// Create applies a trial that has no Job yet.
	Create Action = "created"
	// Unchanged leaves a trial whose Job matches the file.
	Unchanged Action = "unchanged"
	// Configure applies a trial whose Job differs only in what may change in
	// place (the results spec).
	Configure Action = "configured"
	// Replace deletes and re-creates a trial whose Job changed (--force).
	Replace Action = "replaced"
)

// Plan is what a submit will do, worked out from one List of the
// experiment's Jobs before any write.
type Plan struct {
	// Actions holds one action per rendered trial, in trial order.
	Actions []Action
	// Existing maps trial name to its Job in the cluster.
	Existing map[string]*batchv1.Job
	// Changed names the trials whose rendered Job differs from the cluster's.
	Changed []string
	// Removed names the Jobs of the experiment that the file no longer has.
	Removed []string
	// Overridden names the trials that keep resources a retry gave them.
	Overridden []string
}

// MakePlan compares the rendered trials with the experiment's existing Jobs
// by their spec-hash annotation, after carrying onto each rendered Job the
// resource override a retry recorded on its existing one.
func MakePlan(trials []render.Trial, existing []batchv1.Job) Plan {
	p := Plan{Actions: make([]Action, len(trials)), Existing: map[string]*batchv1.Job{}}
	for i := range existing {
		p.Existing[existing[i].Name] = &existing[i]
	}
	inFile := map[string]bool{}
	for i, t := range trials {
		inFile[t.Name] = true
		old, ok := p.Existing[t.Name]
		// A retry's resource override is part of the trial, not a drift:
		// apply it to the rendered Job before comparing spec hashes.
		if ok && trial.CarryOverride(t.Job, old) {
			p.Overridden = append(p.Overridden, t.Name)
		}
		switch {
		case !ok:
			p.Actions[i] = Create
		case old.Annotations[labels.SpecHash] != t.Job.Annotations[labels.SpecHash]:
			p.Actions[i] = Replace
			p.Changed = append(p.Changed, t.Name)
		case old.Annotations[labels.ResultsSpec] != t.Job.Annotations[labels.ResultsSpec],
			old.Annotations[labels.TrialCount] != t.Job.Annotations[labels.TrialCount]:
			p.Actions[i] = Configure
		default:
			p.Actions[i] = Unchanged
		}
	}
	for name := range p.Existing {
		if !inFile[name] {
			p.Removed = append(p.Removed, name)
		}
	}
	sort.Strings(p.Removed)
	return p
}

// Count returns how many trials get action a.
func (p Plan) Count(a Action) int {
	n := 0
	for _, x := range p.Actions {
		if x == a {
			n++
		}
	}
	return n
}

// changedError explains why changed trials are not applied without --force.
func changedError(exp string, changed []string) error {
	return fmt.Errorf("%d trial(s) of experiment %q changed since they were submitted (%s): a Job's pod template cannot change in place; "+
		"re-run with --force to delete and re-create them (they start again), or submit under a new --name",
		len(changed), exp, abbreviate(changed, 5))
}

// abbreviate joins names, cutting the list after max entries.
func abbreviate(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-max)
}
