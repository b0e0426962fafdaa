package common

import (
	"github.com/spf13/cobra"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// TrialTarget is what a verb that writes some trials of one experiment
// (retry, suspend, resume) works on: the experiment, namespace and client,
// the --dry-run mode, and the trials chosen by TRIAL arguments, --trial,
// --param-selector and -l/--selector.
type TrialTarget struct {
	Target
	DryRun DryRun
	// Filter chooses the trials among the experiment's.
	Filter trial.Filter
	// Selector is the label selector of the Jobs to list.
	Selector string
}

// ResolveTrials is the Complete of such a verb: it reads --dry-run, the
// experiment argument (TRIAL arguments after it join --trial), the
// namespace, builds the client, then the trial selection, in that order.
func (f *TrialFlags) ResolveTrials(getter kube.Getter, cmd *cobra.Command, args []string) (TrialTarget, error) {
	var t TrialTarget
	var err error
	if t.DryRun, err = ParseDryRun(cmd); err != nil {
		return t, err
	}
	if t.Target, err = ResolveTarget(getter, args); err != nil {
		return t, err
	}
	f.Trials = append(f.Trials, args[1:]...)
	if t.Filter, err = f.Filter(t.Experiment); err != nil {
		return t, err
	}
	t.Selector, err = f.Selector(t.Experiment)
	return t, err
}
