package submit

import (
	"fmt"
	"io"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/progress"
)

// manyTrials is the size above which a terminal gets a summary instead of
// one line per trial.
const manyTrials = progress.Threshold

// report prints the result: the objects for -o yaml|json|name, else one
// kubectl-style line per trial (or a summary for large experiments on a
// terminal), the removed trials and the commands to follow the experiment.
func (o *Options) report(jobs []*batchv1.Job, actions []Action, removed []string) error {
	switch o.Output {
	case "yaml", "json", "name":
		if err := printJobs(o.Out, o.Output, jobs); err != nil {
			return err
		}
	default:
		if len(jobs) > manyTrials && common.IsTerminal(o.Out) {
			fmt.Fprintln(o.Out, o.summary(actions))
		} else {
			for i, j := range jobs {
				fmt.Fprintf(o.Out, "job.batch/%s %s%s\n", j.Name, actions[i], o.dryRun.Suffix())
			}
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
		fmt.Fprintf(o.ErrOut, "%s\nfollow it with:\n  kubectl mlexp status %s -w\n  kubectl mlexp logs %s --all -f\n  kubectl mlexp results %s\n",
			o.summary(actions), o.exp.Name, o.exp.Name, o.exp.Name)
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

// printJobs prints Jobs as kubectl does: YAML documents separated by ---, a
// JSON List, or resource/name lines.
func printJobs(w io.Writer, format string, jobs []*batchv1.Job) error {
	for _, j := range jobs {
		// Objects read from the server have an empty TypeMeta.
		j.APIVersion, j.Kind = "batch/v1", "Job"
	}
	switch format {
	case "name":
		p := printers.NamePrinter{}
		for _, j := range jobs {
			if err := p.PrintObj(j, w); err != nil {
				return err
			}
		}
		return nil
	case "yaml":
		p := printers.YAMLPrinter{}
		for _, j := range jobs {
			if err := p.PrintObj(j, w); err != nil {
				return err
			}
		}
		return nil
	}
	list := &batchv1.JobList{}
	list.APIVersion, list.Kind = "v1", "List"
	for _, j := range jobs {
		list.Items = append(list.Items, *j)
	}
	return (&printers.JSONPrinter{}).PrintObj(list, w)
}
