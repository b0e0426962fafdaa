package common

import (
	"fmt"

	"github.com/spf13/pflag"
	batchv1 "k8s.io/api/batch/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// TrialFlags are the flags that narrow a command to some trials of an
// experiment, named alike in every command: --trial (a name or its hash),
// --param-selector (on the trials' parameters) and -l/--selector (a label
// selector on the trials' Jobs, as in kubectl).
type TrialFlags struct {
	// Trials are trial names or their hash parts (repeatable).
	Trials []string
	// ParamSelectors are parameter requirements such as activation=relu.
	ParamSelectors []string
	// LabelSelector is a Kubernetes label selector on the trials' Jobs.
	LabelSelector string
}

// AddFlags binds the flags; what says what the command does with the
// trials it keeps ("Show", "Retry", ...).
func (f *TrialFlags) AddFlags(fs *pflag.FlagSet, what string) {
	fs.StringArrayVar(&f.Trials, "trial", nil, what+" this trial only (repeatable); the hash part of its name is enough.")
	fs.StringArrayVar(&f.ParamSelectors, "param-selector", nil, what+" the trials whose parameters match, e.g. activation=relu,dropout!=0.2 (repeatable; all must match).")
	fs.StringVarP(&f.LabelSelector, "selector", "l", "", what+" the trials whose Jobs match this label selector, as in kubectl (e.g. team=vision); parameters are matched with --param-selector.")
}

// Narrowed reports whether any of the flags was given.
func (f *TrialFlags) Narrowed() bool {
	return len(f.Trials) > 0 || len(f.ParamSelectors) > 0 || f.LabelSelector != ""
}

// Filter returns the trial filter of experiment exp: full trial names and
// the parsed parameter selector, or an error naming the flag.
func (f *TrialFlags) Filter(exp string) (trial.Filter, error) {
	var out trial.Filter
	for _, t := range f.Trials {
		out.Names = append(out.Names, trial.FullName(exp, t))
	}
	for _, s := range f.ParamSelectors {
		sel, err := params.ParseSelector(s)
		if err != nil {
			return out, fmt.Errorf("--param-selector: %w", err)
		}
		out.Params = append(out.Params, sel...)
	}
	return out, nil
}

// Selector returns the label selector of the experiment's Jobs and pods
// that --selector narrows, or an error naming the flag.
func (f *TrialFlags) Selector(exp string) (string, error) {
	return ExperimentSelector(exp, f.LabelSelector)
}

// ExperimentSelector returns the label selector of experiment exp's
// objects, narrowed by the user's label selector extra ("" for none).
func ExperimentSelector(exp, extra string) (string, error) {
	base := keys.ForExperiment(exp)
	if extra == "" {
		return base, nil
	}
	sel, err := k8slabels.Parse(extra)
	if err != nil {
		return "", fmt.Errorf("--selector: %w", err)
	}
	reqs, _ := sel.Requirements()
	return k8slabels.SelectorFromSet(k8slabels.Set{keys.Experiment: exp}).Add(keys.NotRole()).Add(reqs...).String(), nil
}

// Labels returns -l/--selector parsed; nil when it is not given.
func (f *TrialFlags) Labels() (k8slabels.Selector, error) {
	if f.LabelSelector == "" {
		return nil, nil
	}
	sel, err := k8slabels.Parse(f.LabelSelector)
	if err != nil {
		return nil, fmt.Errorf("--selector: %w", err)
	}
	return sel, nil
}

// KeepJobs returns the jobs that -l/--selector matches, in their order: the
// selector is on the Jobs' labels, which their pods need not carry, so
// commands list Jobs and pods by the experiment's label and narrow the Jobs
// here (trial.FromJobs then ignores the other Jobs' pods).
func (f *TrialFlags) KeepJobs(jobs []batchv1.Job) ([]batchv1.Job, error) {
	sel, err := f.Labels()
	if sel == nil || err != nil {
		return jobs, err
	}
	var out []batchv1.Job
	for _, j := range jobs {
		if sel.Matches(k8slabels.Set(j.Labels)) {
			out = append(out, j)
		}
	}
	return out, nil
}
