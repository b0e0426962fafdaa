package submit

import (
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/progress"
)

// manyTrials is the size above which a terminal gets a summary instead of
// one line per trial.
const manyTrials = progress.Threshold

// report prints the result through -o: by default one line
// `job.batch/NAME ACTION` per trial (or a summary for large experiments on
// a terminal), else the names or the Jobs written; then the removed trials
// and the commands to follow the experiment.
func (o *Options) report(jobs []*batchv1.Job, actions []Action, removed []string) error {
	if o.PrintFlags.Default() && len(jobs) > manyTrials && common.IsTerminal(o.Out) {
		fmt.Fprintln(o.Out, o.summary(actions))
	} else {
		ops := make([]string, len(jobs))
		for i := range jobs {
			ops[i] = string(actions[i]) + o.dryRun.Suffix()
			if o.dryRun == common.DryRunClient && i < len(o.trials) && len(o.trials[i].Params) > 0 {
				// What a dry run is for: the values the trial would run with.
				ops[i] += "  " + o.trials[i].Params.String()
			}
		}
		if err := o.PrintFlags.PrintJobs(o.Out, jobs, ops); err != nil {
			return err
		}
	}
	if len(removed) > 0 {
		if o.Prune {
			fmt.Fprintf(o.ErrOut, "pruned %d trial(s) no longer in %s: %s\n", len(removed), o.Filename, abbreviate(removed, 5))
		} else {
			fmt.Fprintf(o.ErrOut, "%d trial(s) of experiment %q are no longer in %s: %s (delete them with --prune)\n",
				len(removed), o.exp.Name, o.Filename, abbreviate(removed, 5))
		}
	}
	if o.dryRun == common.DryRunNone {
		name := o.exp.Name
		fmt.Fprintf(o.ErrOut, "%s\nfollow it with:\n  %s\n  %s\n  %s\n", o.summary(actions),
			o.hint.Command("status", name, "-w"), o.hint.Command("logs", name, "--all", "-f"), o.hint.Command("results", name))
	}
	return nil
}

// summary renders e.g. `experiment "mnist": 24 trials (24 created) in namespace "default"`.
func (o *Options) summary(actions []Action) string {
	p := Plan{Actions: actions}
	var parts []string
	for _, a := range []Action{Create, Replace, Configure, Unchanged} {
		if n := p.Count(a); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a))
		}
	}
	return fmt.Sprintf("experiment %q: %d trials (%s) in namespace %q%s",
		o.exp.Name, len(actions), strings.Join(parts, ", "), o.namespace, o.dryRun.Suffix())
}
