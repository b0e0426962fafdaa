package results

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// Run lists the experiment's Jobs and pods, reads the logs it needs,
// records the metrics of finished trials and prints the ranking.
func (o *Options) Run(ctx context.Context) error {
	ctx, cancel := kube.WithTimeout(ctx, o.Timeout)
	defer cancel()
	exp, err := collect.Collect(ctx, collect.Options{
		Client: o.client, Namespace: o.namespace, Experiment: o.experiment,
		Patterns: o.Patterns, Refresh: o.Refresh, MaxRequests: o.MaxRequests,
		OpenLog: o.OpenLog, ErrOut: o.ErrOut,
		// A table prints no curves: a finished trial's log is read by its tail.
		Tail: o.Print.Table(), Progress: o.IsTerminal != nil && o.IsTerminal(o.ErrOut),
		KeepJobs: o.TrialFlags.KeepJobs, Filter: o.filter,
	})
	if err != nil {
		return err
	}
	t := exp.Rank(o.Metric, o.goal)
	if !o.NoRecord {
		r := collect.Recorder{Client: o.client, Namespace: o.namespace, ErrOut: o.ErrOut, MaxRequests: o.MaxRequests}
		r.Record(ctx, exp.Items, t.Metric, exp.PatternsKey)
	}
	if err := o.print(t); err != nil {
		return err
	}
	o.explainGone(exp.Jobs)
	return nil
}

// print writes the table and the best line, or the data in -o's format.
func (o *Options) print(t *ranking.Table) error {
	if !o.Print.Table() {
		r := t.Result()
		r.Experiment, r.Namespace = o.experiment, o.namespace
		return o.Print.PrintList(o.Out, ResultList{APIVersion: common.APIVersion, Kind: "ResultList", Result: r})
	}
	switch o.Print.Output {
	case "csv":
		return t.WriteCSV(o.Out)
	case "markdown":
		return t.WriteMarkdown(o.Out, o.experiment)
	}
	err := t.WriteTable(o.Out, ranking.TableOptions{Chart: o.Chart, Wide: o.Print.Output == "wide", NoHeaders: o.Print.NoHeaders, ShowLabels: o.Print.ShowLabels})
	if err != nil {
		return err
	}
	if line := t.BestLine(); line != "" {
		fmt.Fprintln(o.Out, line)
	}
	if note := t.EarlyStoppedNote(); note != "" {
		fmt.Fprintln(o.Out, note)
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
