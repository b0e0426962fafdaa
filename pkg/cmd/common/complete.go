package common

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// completionTimeout bounds the one List a completion makes: a shell waits.
const completionTimeout = 10 * time.Second

// Enumerated values of the flags that take one of a few words.
var (
	// DryRunValues are --dry-run's values.
	DryRunValues = []string{"none", "client", "server"}
	// ColorValues are --color's values.
	ColorValues = []string{"auto", "always", "never"}
	// GoalValues are --goal's values.
	GoalValues = []string{"max", "min", "maximize", "minimize"}
)

// CompleteWords returns a completion function offering fixed words.
func CompleteWords(words ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(words, cobra.ShellCompDirectiveNoFileComp)
}

// experimentJobs lists the Jobs of the experiment named by args[0], for a
// completion: one List, or nil when there is no experiment argument.
func experimentJobs(cmd *cobra.Command, getter kube.Getter, args []string) ([]batchv1.Job, bool) {
	exp, err := ExperimentArg(args)
	if err != nil {
		return nil, false
	}
	ctx := cmd.Context()
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	ns, err := getter.Namespace()
	if err != nil {
		return nil, false
	}
	c, err := getter.KubernetesClientSet()
	if err != nil {
		return nil, false
	}
	jobs, err := kube.ListJobs(ctx, c, ns, keys.ForExperiment(exp))
	return jobs, err == nil
}

// TrialCandidates returns the names of the experiment's trials and their
// hash parts (what every TRIAL argument and --trial accept) that start with
// toComplete, hashes first.
func TrialCandidates(exp string, jobs []batchv1.Job, toComplete string) []string {
	var hashes, names []string
	for _, j := range jobs {
		if strings.HasPrefix(j.Name, toComplete) {
			names = append(names, j.Name)
		}
		if h, ok := strings.CutPrefix(j.Name, exp+"-"); ok && strings.HasPrefix(h, toComplete) {
			hashes = append(hashes, h)
		}
	}
	sort.Strings(hashes)
	sort.Strings(names)
	return append(hashes, names...)
}

// CompleteTrials completes a TRIAL argument after EXPERIMENT (and the
// experiment itself first): the trial names of the experiment and their
// hashes, from one List of its Jobs. Commands that take one TRIAL argument
// (logs, describe, retry) use it as their ValidArgsFunction.
func CompleteTrials(getter kube.Getter) cobra.CompletionFunc {
	experiments := CompleteExperiments(getter)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return experiments(cmd, args, toComplete)
		}
		if len(args) > 1 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completeTrialFlag(getter)(cmd, args, toComplete)
	}
}

// CompleteTrialList completes the TRIAL... arguments after EXPERIMENT
// (retry's): the experiment first, then any of its trials not yet given.
func CompleteTrialList(getter kube.Getter) cobra.CompletionFunc {
	experiments := CompleteExperiments(getter)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return experiments(cmd, args, toComplete)
		}
		names, dir := completeTrialFlag(getter)(cmd, args[:1], toComplete)
		exp, _ := ExperimentArg(args)
		given := make([]string, 0, len(args)-1)
		for _, a := range args[1:] {
			given = append(given, trial.FullName(exp, a))
		}
		var out []string
		for _, n := range names {
			if !slices.Contains(given, trial.FullName(exp, n)) {
				out = append(out, n)
			}
		}
		return out, dir
	}
}

// completeTrialFlag completes --trial with the trials of args[0].
func completeTrialFlag(getter kube.Getter) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		jobs, ok := experimentJobs(cmd, getter, args)
		if !ok {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		exp, _ := ExperimentArg(args)
		return TrialCandidates(exp, jobs, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// ParamSelectorCandidates completes the last requirement of a parameter
// selector (after the last comma): "name=" while no operator is typed, then
// "name=value" and "name!=value" for the values the trials have.
func ParamSelectorCandidates(jobs []batchv1.Job, toComplete string) ([]string, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	values := map[string]map[string]bool{}
	var names []string
	for _, j := range jobs {
		ps, err := params.Decode(j.Annotations[keys.Params])
		if err != nil {
			continue
		}
		for _, p := range ps {
			if values[p.Name] == nil {
				values[p.Name] = map[string]bool{}
				names = append(names, p.Name)
			}
			values[p.Name][params.Format(p.Value)] = true
		}
	}
	var out []string
	name, op := last, ""
	switch {
	case strings.Contains(last, "!="):
		name, op = last[:strings.Index(last, "!=")], "!="
	case strings.Contains(last, "="):
		name, op = last[:strings.Index(last, "=")], "="
	}
	if op == "" {
		for _, n := range names {
			if strings.HasPrefix(n, last) {
				out = append(out, done+n+"=", done+n+"!=")
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	var vals []string
	for v := range values[name] {
		vals = append(vals, v)
	}
	sort.Strings(vals)
	for _, v := range vals {
		if c := done + name + op + v; strings.HasPrefix(c, toComplete) {
			out = append(out, c)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// MetricCandidates returns the metric names recorded on the experiment's
// Jobs (the results annotation, and the metric of spec.results), sorted.
func MetricCandidates(jobs []batchv1.Job, toComplete string) []string {
	seen := map[string]bool{}
	for _, j := range jobs {
		if r, err := ranking.DecodeRecord(j.Annotations[keys.Results]); err == nil {
			for m := range r.Metrics {
				seen[m] = true
			}
		}
		if s, err := ranking.DecodeSpec(j.Annotations[ranking.SpecAnnotation]); err == nil && s.Metric != "" {
			seen[s.Metric] = true
		}
	}
	var out []string
	for m := range seen {
		if strings.HasPrefix(m, toComplete) {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// RegisterTrialCompletions completes --trial and --param-selector of a
// command whose first argument is the experiment, each from one List.
func RegisterTrialCompletions(cmd *cobra.Command, getter kube.Getter) {
	_ = cmd.RegisterFlagCompletionFunc("trial", completeTrialFlag(getter))
	_ = cmd.RegisterFlagCompletionFunc("param-selector", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		jobs, ok := experimentJobs(cmd, getter, args)
		if !ok {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return ParamSelectorCandidates(jobs, toComplete)
	})
}

// CompleteMetrics completes --metric with the metrics recorded on the
// Jobs of the experiment named by the first argument, from one List.
func CompleteMetrics(getter kube.Getter) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		jobs, ok := experimentJobs(cmd, getter, args)
		if !ok {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return MetricCandidates(jobs, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
