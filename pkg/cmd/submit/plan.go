package submit

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Action is what submit does with one trial.
type Action string

const (
	// Create creates, with a plain create, a trial that has no Job yet.
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
	// Existing maps trial name to the metadata of its Job in the cluster:
	// a plan compares spec hashes, never a Job's spec.
	Existing map[string]*metav1.PartialObjectMetadata
	// Full holds, whole, the Jobs a write starts from (a configured
	// trial's suspend and resourceVersion) and those checked for drift.
	Full map[string]kube.FullJob
	// Changed names the trials whose rendered Job differs from the cluster's.
	Changed []string
	// Removed names the Jobs of the experiment that the file no longer has.
	Removed []string
	// Overridden names the trials that keep resources a retry gave them.
	Overridden []string
	// Drifted are the trials whose Job, re-created by a retry, no longer
	// runs the pod template the file renders although its spec hash says
	// it does (see trial.Drift).
	Drifted []Drifted
}

// Drifted is a trial whose Job no longer runs what the file renders, and
// where it differs.
type Drifted struct {
	Name string
	// Paths are the fields of the pod template that differ.
	Paths []string
}

// NeedFull returns the trials of the file whose existing Job MakePlan
// needs whole, from their metadata: those a retry re-created (an attempts
// history), the only Jobs whose pod template can differ from what their
// spec hash says, since a pod template cannot change in place and submit
// writes it from the file (checked for drift); and those whose results
// spec or trial count changed, configured in place from the Job's own
// suspend and resourceVersion.
func NeedFull(trials []render.Trial, existing []metav1.PartialObjectMetadata) []string {
	byName := make(map[string]*metav1.PartialObjectMetadata, len(existing))
	for i := range existing {
		byName[existing[i].Name] = &existing[i]
	}
	var out []string
	for _, t := range trials {
		m, ok := byName[t.Name]
		if !ok {
			continue
		}
		if m.Annotations[keys.Attempts] != "" || configurable(m.Annotations, t.Job.Annotations) {
			out = append(out, t.Name)
		}
	}
	return out
}

// configurable reports whether a Job's annotations differ from the
// rendered ones in what changes in place: the results spec, the trial count.
func configurable(live, rendered map[string]string) bool {
	return live[keys.ResultsSpec] != rendered[keys.ResultsSpec] || live[keys.TrialCount] != rendered[keys.TrialCount]
}

// MakePlan compares the rendered trials with the metadata of the
// experiment's existing Jobs by their spec-hash annotation, after carrying
// onto each rendered Job the resource override a retry recorded on its
// existing one. The retried trials among full (fetched whole for
// NeedFull) are also checked for drift: a drifted trial is replaced, as a
// changed one, with --force.
func MakePlan(trials []render.Trial, existing []metav1.PartialObjectMetadata, full map[string]kube.FullJob) (Plan, error) {
	p := Plan{Actions: make([]Action, len(trials)), Existing: map[string]*metav1.PartialObjectMetadata{}, Full: full}
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
		var drift []string
		if live, inFull := full[t.Name]; inFull && ok && old.Annotations[keys.Attempts] != "" {
			var err error
			if drift, err = trial.Drift(t.Job, live); err != nil {
				return Plan{}, err
			}
		}
		switch {
		case !ok:
			p.Actions[i] = Create
		case old.Annotations[keys.SpecHash] != t.Job.Annotations[keys.SpecHash]:
			p.Actions[i] = Replace
			p.Changed = append(p.Changed, t.Name)
		case len(drift) > 0:
			p.Actions[i] = Replace
			p.Drifted = append(p.Drifted, Drifted{Name: t.Name, Paths: drift})
		case configurable(old.Annotations, t.Job.Annotations):
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
	return p, nil
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

// changedError explains why changed and drifted trials are not applied
// without --force, and how to apply them.
func changedError(exp, file string, changed []string, drifted []Drifted) error {
	var why []string
	if len(changed) > 0 {
		why = append(why, fmt.Sprintf("%d trial(s) of experiment %q changed since they were submitted (%s): a Job's pod template cannot change in place",
			len(changed), exp, abbreviate(changed, 5)))
	}
	if len(drifted) > 0 {
		names := make([]string, len(drifted))
		for i, d := range drifted {
			names[i] = d.Name
		}
		if file == "-" {
			file = "the file"
		}
		why = append(why, fmt.Sprintf("%d trial(s) of experiment %q no longer run what %s renders (%s): an earlier version of `kubectl mlexp retry` re-created their Jobs "+
			"without parts of the pod template, so they ran something else (%s: %s)",
			len(drifted), exp, file, abbreviate(names, 5), drifted[0].Name, abbreviate(drifted[0].Paths, 3)))
	}
	fix := "re-run with --force to delete and re-create them from the file (they start again)"
	if len(changed) > 0 {
		fix += ", or submit under a new --name"
	}
	return fmt.Errorf("%s; %s", strings.Join(why, "; "), fix)
}

// abbreviate joins names, cutting the list after max entries.
func abbreviate(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-max)
}
