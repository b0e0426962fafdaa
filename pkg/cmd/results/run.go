package results

import (
	"context"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Run lists the experiment's Jobs and pods, reads the logs it needs,
// records the metrics of finished trials and prints the ranking.
func (o *Options) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, labels.ForExperiment(o.experiment))
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		return kube.ExperimentNotFound(o.experiment, o.namespace)
	}
	spec := o.spec(jobs) // of every Job: narrowing changes no file setting
	if jobs, err = o.TrialFlags.KeepJobs(jobs); err != nil {
		return err
	}
	if len(jobs) == 0 {
		return fmt.Errorf("no trial of experiment %q in namespace %q matches --selector %s", o.experiment, o.namespace, o.TrialFlags.LabelSelector)
	}
	statuses, missing := o.filter.Apply(trial.Collect(jobs, pods))
	if len(missing) > 0 {
		return fmt.Errorf("--trial: experiment %q has no trial %s (see `kubectl mlexp status %s`)", o.experiment, strings.Join(missing, ", "), o.experiment)
	}
	patterns := append(append([]string{}, spec.Patterns...), o.Patterns...)
	parser, err := logmetrics.New(patterns)
	if err != nil {
		return err // names the pattern
	}
	key := ranking.PatternsKey(patterns)
	items := plan(statuses, jobs, pods, key, o.Refresh)
	o.readLogs(ctx, parser, items)
	trials := make([]ranking.Trial, len(items))
	for i, it := range items {
		trials[i] = it.rankingTrial()
	}
	want := o.Metric
	if want == "" {
		want = spec.Metric
	}
	metric := ranking.ChooseMetric(trials, want)
	goal := o.goal
	if goal == "" && spec.Goal != "" && metric == spec.Metric {
		goal = ranking.Goal(spec.Goal)
	}
	if !o.NoRecord {
		o.record(ctx, items, metric, key)
	}
	return o.print(ranking.Rank(trials, metric, goal))
}

// spec returns the experiment file's spec.results as submit recorded it on
// the Jobs: the newest Job's, since a re-submit may have changed it.
func (o *Options) spec(jobs []batchv1.Job) ranking.Spec {
	var newest *batchv1.Job
	for i := range jobs {
		j := &jobs[i]
		if _, ok := j.Annotations[ranking.SpecAnnotation]; !ok {
			continue
		}
		if newest == nil || j.CreationTimestamp.After(newest.CreationTimestamp.Time) {
			newest = j
		}
	}
	if newest == nil {
		return ranking.Spec{}
	}
	s, err := ranking.DecodeSpec(newest.Annotations[ranking.SpecAnnotation])
	if err != nil {
		fmt.Fprintf(o.ErrOut, "warning: Job %s: %v; ignoring it\n", newest.Name, err)
	}
	return s
}

// print writes the table and the best line, or the data in -o's format.
func (o *Options) print(t *ranking.Table) error {
	if !o.Print.Table() {
		r := t.Result()
		r.Experiment, r.Namespace = o.experiment, o.namespace
		return o.Print.PrintList(o.Out, ResultList{APIVersion: common.APIVersion, Kind: "ResultList", Result: r})
	}
	if o.Print.Output == "csv" {
		return t.WriteCSV(o.Out)
	}
	err := t.WriteTable(o.Out, ranking.TableOptions{Chart: o.Chart, Wide: o.Print.Output == "wide", NoHeaders: o.Print.NoHeaders})
	if err != nil {
		return err
	}
	if line := t.BestLine(); line != "" {
		fmt.Fprintln(o.Out, line)
	}
	o.explainMissing(t)
	return nil
}

// explainMissing says on stderr why no trial is ranked.
func (o *Options) explainMissing(t *ranking.Table) {
	numbers, nans := t.Counts()
	if numbers > 0 {
		return
	}
	switch {
	case t.Metric == "":
		fmt.Fprintf(o.ErrOut, "no metrics found for the %d trials of %s: add a pattern with --pattern or spec.results.patterns\n", len(t.Rows), o.experiment)
	case nans > 0:
		fmt.Fprintf(o.ErrOut, "every trial that reported %s reported NaN\n", t.Metric)
	case len(t.MetricNames) > 1:
		fmt.Fprintf(o.ErrOut, "no trial reported %s yet; metrics found: %s\n", t.Metric, strings.Join(t.MetricNames[1:], ", "))
	default:
		fmt.Fprintf(o.ErrOut, "no trial reported %s yet\n", t.Metric)
	}
}
