package report

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// watch samples the usage of every running trial each interval (one List
// of Jobs, pods and pod metrics per sample) until every trial has finished
// or ctx ends; metrics that cannot be read are said once, and the watch
// goes on to the end without them.
func (o *Options) watch(ctx context.Context, rec *cpumem.PeakRecorder) error {
	sel := keys.ForExperiment(o.experiment)
	tick := time.NewTicker(o.Interval)
	defer tick.Stop()
	var metricsErr error
	last := ""
	interrupted := func() error {
		fmt.Fprintln(o.ErrOut, "interrupted: writing the report of what was seen")
		return nil
	}
	for round := 0; ; round++ {
		jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, sel)
		switch {
		case ctx.Err() != nil:
			return interrupted()
		case err != nil && round == 0:
			return err
		case err != nil:
			fmt.Fprintf(o.ErrOut, "warning: %v\n", err)
		case len(jobs) == 0 && round == 0:
			return kube.ExperimentNotFound(o.experiment, o.namespace)
		default:
			if round == 0 {
				rec.Seed(jobs)
			}
			statuses := trial.FromJobs(jobs, pods)
			running := cpumem.Running(statuses, pods)
			if len(running) > 0 && metricsErr == nil {
				l, err := o.metrics.MetricsV1beta1().PodMetricses(o.namespace).List(ctx, metav1.ListOptions{LabelSelector: sel})
				switch {
				case ctx.Err() != nil:
					return interrupted()
				case err != nil:
					metricsErr = err
					fmt.Fprintf(o.ErrOut, "warning: usage not sampled: metrics API not available (%v); the report is written when the experiment ends\n", firstLine(err))
				default:
					rec.Observe(cpumem.Join(running, l.Items))
					rec.Flush(ctx, false)
				}
			}
			counts := trial.Count(statuses)
			if line := counts.String(); line != last {
				fmt.Fprintf(o.ErrOut, "%s; sampling usage every %v\n", line, o.Interval)
				last = line
			}
			if counts.Finished() {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return interrupted()
		case <-tick.C:
		}
	}
}

func firstLine(err error) string {
	s := err.Error()
	for i := range s {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
