package submit

import (
	"context"
	"fmt"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
	"github.com/mlexp/kubectl-mlexp/pkg/waiting"
)

// warnTTL says in one line what a ttlSecondsAfterFinished in the template
// means for an experiment: finished trials vanish, with their logs and
// recorded metrics, and a re-submit runs them again.
func (o *Options) warnTTL() {
	lo, hi := int32(-1), int32(-1)
	for _, t := range o.trials {
		ttl := t.Job.Spec.TTLSecondsAfterFinished
		if ttl == nil {
			continue
		}
		if lo < 0 || *ttl < lo {
			lo = *ttl
		}
		hi = max(hi, *ttl)
	}
	if lo < 0 {
		return
	}
	secs := fmt.Sprintf("%ds", lo)
	if hi != lo {
		secs = fmt.Sprintf("%ds to %ds", lo, hi)
	}
	fmt.Fprintf(o.ErrOut, "warning: spec.ttlSecondsAfterFinished deletes each trial's Job and pods %s after it finishes, with its logs and the metrics `%s` records on it (run results before), and submitting this file again re-runs the trials that are gone\n",
		secs, o.hint.Command("results", o.exp.Name))
}

// noteOverridden says which replaced trials keep the resources a retry
// gave them (keys.Override), since the file says otherwise.
func (o *Options) noteOverridden(plan Plan) {
	var kept []string
	for i, a := range plan.Actions {
		if a == Replace && contains(plan.Overridden, o.trials[i].Name) {
			kept = append(kept, o.trials[i].Name)
		}
	}
	if len(kept) > 0 {
		fmt.Fprintf(o.ErrOut, "%d replaced trial(s) keep the resources a retry gave them (annotation %s): %s\n",
			len(kept), keys.Override, abbreviate(kept, 5))
	}
}

// waitFor waits for the submitted trials like `kubectl mlexp wait`, when
// --wait is set.
func (o *Options) waitFor(ctx context.Context) error {
	if !o.Wait || o.dryRun != common.DryRunNone {
		return nil
	}
	names := make([]string, len(o.trials))
	for i, t := range o.trials {
		names[i] = t.Name
	}
	out := o.Out
	if !o.PrintFlags.Default() {
		out = o.ErrOut // stdout holds the objects
	}
	w := &waiting.Waiter{
		Out: out, ErrOut: o.ErrOut, Client: o.client, Namespace: o.namespace, Experiment: o.exp.Name,
		Selector: keys.ForExperiment(o.exp.Name), Filter: trial.Filter{Names: names},
		For: waiting.ForSucceeded, Timeout: o.Timeout,
	}
	return w.Wait(ctx)
}

func contains(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}
