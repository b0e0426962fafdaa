// Package collect gathers what an experiment's trials reported: it lists
// the experiment's Jobs and pods once, reads the logs it needs (bounded
// concurrency), parses metrics and per-epoch curves from them and from
// termination messages, and falls back to the metrics recorded on the Jobs.
// It never writes to the cluster; `results` and `report` share it.
package collect

import (
	"context"
	"fmt"
	"io"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// OpenLogFunc opens the log of one container of a pod.
type OpenLogFunc func(ctx context.Context, ns, pod, container string) (io.ReadCloser, error)

// Options says which experiment to collect and how.
type Options struct {
	Client     kubernetes.Interface
	Namespace  string
	Experiment string
	// Patterns are regular expressions added to the experiment file's
	// spec.results.patterns and the built-in ones.
	Patterns []string
	// Refresh reads the log of every trial whose pod exists, even when its
	// metrics were recorded (the only way to get its curves back).
	Refresh bool
	// MaxRequests caps the concurrent log reads; at least 1.
	MaxRequests int
	// OpenLog opens a container's log; nil reads it through Client.
	OpenLog OpenLogFunc
	// Tail reads only the tail of a finished trial's log where it stands
	// for the whole log (see TailLines), unless Refresh or NeedsLog is set.
	Tail bool
	// OpenLogTail opens the tail of a container's log; nil reads it
	// through Client when OpenLog is nil too, else no tail is read.
	OpenLogTail OpenLogTailFunc
	// ErrOut receives one-line warnings (unreadable logs, a bad spec), and
	// progress when more than progress.Threshold logs are read.
	ErrOut io.Writer
	// Progress says ErrOut is a terminal: progress is redrawn there, not
	// summed up in one line.
	Progress bool
	// KeepJobs, when set, narrows the experiment's Jobs (a label selector
	// on them: pods are listed by the experiment's label).
	KeepJobs func([]batchv1.Job) ([]batchv1.Job, error)
	// Filter keeps some trials by name and parameters.
	Filter trial.Filter
	// NeedsLog, when set, decides which started trials' logs are read,
	// instead of "every one whose metrics were not recorded" (a search's
	// driver reads finished trials once and running ones while it stops
	// trials early).
	NeedsLog func(*Item) bool
}

// Experiment is what Collect found.
type Experiment struct {
	Jobs []batchv1.Job
	Pods []corev1.Pod
	// Spec is the experiment file's spec.results, from the newest Job.
	Spec ranking.Spec
	// PatternsKey is ranking.PatternsKey of the patterns the logs were parsed with.
	PatternsKey string
	// Items has one entry per trial, in trial order.
	Items []*Item
}

// Collect lists the experiment's Jobs and pods (one List each), reads the
// logs it needs and settles every trial's metrics. An experiment without
// Jobs is kube.ExperimentNotFound.
func Collect(ctx context.Context, o Options) (*Experiment, error) {
	jobs, pods, err := kube.ListJobsAndPods(ctx, o.Client, o.Namespace, keys.ForExperiment(o.Experiment))
	if err != nil {
		return nil, err
	}
	if len(jobs) == 0 {
		return nil, kube.ExperimentNotFound(o.Experiment, o.Namespace)
	}
	return FromView(ctx, o, jobs, pods)
}

// FromView is Collect over Jobs and pods the caller has already listed or
// watched (a search's driver keeps a watched view): it reads the logs it
// needs and settles every trial's metrics.
func FromView(ctx context.Context, o Options, jobs []batchv1.Job, pods []corev1.Pod) (*Experiment, error) {
	if o.MaxRequests < 1 {
		o.MaxRequests = 1
	}
	if o.ErrOut == nil {
		o.ErrOut = io.Discard
	}
	if o.OpenLog == nil {
		o.OpenLog = o.clientLog
		if o.OpenLogTail == nil {
			o.OpenLogTail = o.clientLogTail
		}
	}
	var err error
	spec := Spec(jobs, o.ErrOut) // of every Job: narrowing changes no file setting
	if o.KeepJobs != nil {
		if jobs, err = o.KeepJobs(jobs); err != nil {
			return nil, err
		}
		if len(jobs) == 0 {
			return nil, fmt.Errorf("no trial of experiment %q in namespace %q matches --selector", o.Experiment, o.Namespace)
		}
	}
	statuses, missing, err := o.Filter.Apply(trial.FromJobs(jobs, pods))
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("--trial: experiment %q has no trial %s (see `kubectl mlexp status %s`)", o.Experiment, strings.Join(missing, ", "), o.Experiment)
	}
	patterns := append(append([]string{}, spec.Patterns...), o.Patterns...)
	parser, err := logmetrics.NewWithFilters(patterns, spec.Filters)
	if err != nil {
		return nil, err // names the pattern
	}
	key := ranking.PatternsKey(patterns, spec.Filters...)
	items := plan(statuses, jobs, pods, key, o.Refresh, o.NeedsLog)
	var names []string // what a tail read must report (see TailLines)
	if o.Tail && !o.Refresh && o.NeedsLog == nil && o.OpenLogTail != nil {
		names = tailNames(spec)
	}
	o.readLogs(ctx, parser, items, names)
	return &Experiment{Jobs: jobs, Pods: pods, Spec: spec, PatternsKey: key, Items: items}, nil
}

// Trials returns every item as the ranking's input, in trial order.
func (e *Experiment) Trials() []ranking.Trial {
	out := make([]ranking.Trial, len(e.Items))
	for i, it := range e.Items {
		out[i] = it.RankingTrial()
	}
	return out
}

// Statuses returns every trial's status, in trial order.
func (e *Experiment) Statuses() []trial.Status {
	out := make([]trial.Status, len(e.Items))
	for i, it := range e.Items {
		out[i] = it.Status
	}
	return out
}

// Rank ranks the trials by metric (else the file's spec.results.metric,
// else ranking.ChooseMetric's choice) towards goal (else the file's goal
// when it ranks the file's metric, else the metric's default goal). Metric
// names match case-insensitively (logmetrics.NormalizeName). When it ranks
// the file's metric, the file's target marks the trials that reached it;
// the file's columns lead the other metrics.
func (e *Experiment) Rank(metric string, goal ranking.Goal) *ranking.Table {
	trials := e.Trials()
	if metric == "" {
		metric = e.Spec.Metric
	}
	chosen := ranking.ChooseMetric(trials, metric)
	ofSpec := chosen != "" && chosen == logmetrics.NormalizeName(e.Spec.Metric)
	if goal == "" && e.Spec.Goal != "" && ofSpec {
		goal = ranking.Goal(e.Spec.Goal)
	}
	t := ranking.Rank(trials, chosen, goal)
	if ofSpec && e.Spec.Target != nil {
		t.SetTarget(*e.Spec.Target)
	}
	t.LeadWith(e.Spec.Columns)
	return t
}

// Spec returns the experiment file's spec.results as submit recorded it on
// the Jobs: the newest Job's, since a re-submit may have changed it. A bad
// annotation is warned about on errOut and ignored.
func Spec(jobs []batchv1.Job, errOut io.Writer) ranking.Spec {
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
		fmt.Fprintf(errOut, "warning: Job %s: %v; ignoring it\n", newest.Name, err)
	}
	return s
}

// clientLog reads a container's whole current log through the API server.
func (o *Options) clientLog(ctx context.Context, ns, pod, container string) (io.ReadCloser, error) {
	return o.Client.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{Container: container}).Stream(ctx)
}
