// Package status implements `kubectl mlexp status EXP`: one row per trial,
// derived from one List of the experiment's Jobs and one of its pods.
package status

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/incluster"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var long = templates.LongDesc(`
	Show one row per trial: its parameters, its state (Pending with the scheduler's
	reason, Running, Succeeded, Failed with reason and exit code, OOMKilled with the
	memory limit it hit, Suspended, Queued), restarts, node, age and duration, then a
	summary line.

	A container killed at its memory limit is not always reported OOMKilled: the
	container runtime names the kill only if it saw the kernel's OOM event before the
	exit, and otherwise reports Error, exit code 137. Such a trial is Failed with reason
	LikelyOOMKilled ("Killed (exit 137) — likely out of memory at 32Mi; the runtime did
	not report OOMKilled") when its container exited 137 (SIGKILL) with reason Error, has
	a memory limit and no liveness or startup probe, its pod was not deleted, evicted,
	preempted or past a deadline, its Job did not exceed activeDeadlineSeconds, and its
	peak memory, if 'top -w --record' or 'report --watch --record' recorded one, reached
	at least half the limit. A trial whose container exited 0 although the kernel
	OOM-killed one of its processes is Succeeded with reason ProcessOOMKilled. The summary
	line counts both ("1 failed (likely out of memory)"), and retry gives them more memory
	as it does OOMKilled ones.

	Trials submitted to a Kueue queue (submit --queue) get a QUEUE column: the
	LocalQueue, and for a Queued trial its place in line ("team-a #3 of 6"), from the
	namespace's Workloads in Kueue's own order (priority, then creation or eviction time),
	without Kueue's visibility API. Their REASON is Kueue's: why a Workload waits (Pending:
	insufficient unused quota ...), Admitted, Evicted, Preempted, or Deactivated for a
	trial suspended through Kueue.

	API requests: one List each of the experiment's Jobs and pods, plus, when a Job names a
	queue, one discovery GET and one List of the namespace's Workloads.`)

var example = templates.Examples(`
	# Show every trial of experiment mnist, with its parameters and state
	kubectl mlexp status mnist

	# Watch the trials change state until all of them have finished
	kubectl mlexp status mnist -w

	# Full scheduler messages, pods and exit codes
	kubectl mlexp status mnist -o wide

	# Machine-readable, or only some fields
	kubectl mlexp status mnist -o json
	kubectl mlexp status mnist -o jsonpath='{.items[*].name}'
	kubectl mlexp status mnist -o custom-columns=NAME:.name,STATE:.state,DROPOUT:.params.dropout

	# The labels of each trial's Job, as kubectl get --show-labels shows them
	kubectl mlexp status mnist --show-labels

	# Only the trials with activation=relu, most restarted last
	kubectl mlexp status mnist --param-selector activation=relu --sort-by .restarts`)

// Options holds the status command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter     kube.Getter
	Print      common.PrintFlags
	TrialFlags common.TrialFlags
	Watch      bool
	SortBy     string
	// Now returns the current time; tests fix it.
	Now func() time.Time
	// LossTimeout is how long --watch goes on while the API server does
	// not answer; zero means kube.ServerLossTimeout.
	LossTimeout time.Duration

	experiment string
	namespace  string
	selector   string
	filter     trial.Filter
	client     kubernetes.Interface
}

// TrialList is what status prints with -o json, yaml, jsonpath,
// go-template and custom-columns; its fields are documented in
// docs/output.md and kept stable.
type TrialList struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   common.ListMeta `json:"metadata"`
	Experiment string          `json:"experiment"`
	Namespace  string          `json:"namespace"`
	// Summary counts the listed trials by state (lowercase).
	Summary map[string]int `json:"summary"`
	// Items are the trials, in the experiment's order or --sort-by's.
	Items []trial.Status `json:"items"`
	// Search is the experiment's adaptive search; absent for trials
	// created at once.
	Search *drive.View `json:"search,omitempty"`
}

// NewCmdStatus returns the status command.
func NewCmdStatus(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Now: time.Now,
		Print: common.PrintFlags{Tables: []string{"wide"}, NameKind: "job.batch", LabelsOf: "each trial's Job"}}
	cmd := &cobra.Command{
		Use:               "status EXPERIMENT",
		Short:             "Show the state of every trial of an experiment",
		Long:              long,
		Example:           example,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteExperiments(getter),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(o.Getter, cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Print.AddFlags(cmd)
	o.TrialFlags.AddFlags(cmd.Flags(), "Show")
	common.RegisterTrialCompletions(cmd, getter)
	cmd.Flags().BoolVarP(&o.Watch, "watch", "w", false, "After the table, print each trial whose state changes, until every trial has finished; a watch that breaks is resumed, and it ends with an error after --"+kube.ServerLossFlag+" without an answer from the API server.")
	cmd.Flags().StringVar(&o.SortBy, "sort-by", "", "Sort the trials by a JSONPath expression on their fields (docs/output.md), as kubectl get does, e.g. .restarts, .params.dropout, .created.")
	_ = cmd.RegisterFlagCompletionFunc("sort-by", common.CompleteWords(sortFields...))
	common.RefuseAllNamespaces(cmd)
	return cmd
}

// Complete reads the experiment argument and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	o.selector = keys.ForExperiment(o.experiment)
	if _, err := o.TrialFlags.Selector(o.experiment); err != nil {
		return err
	}
	o.filter, err = o.TrialFlags.Filter(o.experiment)
	return err
}

// sortFields are the --sort-by values completion offers.
var sortFields = []string{".name", ".state", ".restarts", ".node", ".created", ".started", ".finished", ".params."}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Print.Validate(); err != nil {
		return err
	}
	if o.Watch && !o.Print.Table() {
		return fmt.Errorf("--watch prints tables: it cannot be used with --output %s", o.Print.Output)
	}
	if o.Watch && o.SortBy != "" {
		return fmt.Errorf("--watch prints trials as they change: it cannot be used with --sort-by")
	}
	return nil
}

// Run prints the experiment's trials once, or watches them with --watch.
func (o *Options) Run(ctx context.Context) error {
	if o.Watch {
		return o.watch(ctx, o.selector)
	}
	jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, o.selector)
	if err != nil {
		return err
	}
	statuses, err := o.collect(jobs, pods)
	if err != nil {
		return err
	}
	if err := trial.ReadKueue(ctx, o.Getter, o.client, o.namespace, jobs, statuses); err != nil {
		return err
	}
	if err := common.SortItems(statuses, o.SortBy); err != nil {
		return err
	}
	v, err := drive.ViewOf(ctx, o.client, o.namespace, jobs, statuses)
	if err != nil {
		fmt.Fprintf(o.ErrOut, "warning: %v\n", err)
	}
	if !o.Print.Table() {
		list := o.list(statuses)
		list.Search = v
		return o.Print.PrintList(o.Out, list)
	}
	if err := o.printer().Print(o.Out, statuses); err != nil {
		return err
	}
	fmt.Fprintln(o.Out, trial.Summarize(statuses).String())
	if v != nil {
		fmt.Fprintln(o.Out, v.Line(o.Now()))
		// A search driven in the cluster: its driver Job in its own line.
		if j, err := incluster.ReadJob(ctx, o.client, o.namespace, o.experiment); err != nil {
			fmt.Fprintf(o.ErrOut, "warning: %v\n", err)
		} else if j != nil {
			fmt.Fprintln(o.Out, incluster.State{Job: j, Holder: v.Holder}.Line(o.Now()))
		}
	}
	return nil
}

// collect derives the trials' statuses and keeps those the trial flags
// choose; no Job at all is a missing experiment, a --trial that matches
// nothing is an error naming it.
func (o *Options) collect(jobs []batchv1.Job, pods []corev1.Pod) ([]trial.Status, error) {
	if len(jobs) == 0 {
		return nil, o.notFound()
	}
	jobs, err := o.TrialFlags.KeepJobs(jobs)
	if err != nil {
		return nil, err
	}
	if len(jobs) == 0 {
		return nil, fmt.Errorf("no trial of experiment %q in namespace %q matches --selector %s", o.experiment, o.namespace, o.TrialFlags.LabelSelector)
	}
	statuses, missing, err := o.filter.Apply(trial.FromJobs(jobs, pods))
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("--trial: experiment %q has no trial %s (see `kubectl mlexp status %s`)", o.experiment, strings.Join(missing, ", "), o.experiment)
	}
	return statuses, nil
}

func (o *Options) notFound() error {
	return kube.ExperimentNotFound(o.experiment, o.namespace)
}

func (o *Options) printer() TablePrinter {
	return TablePrinter{Wide: o.Print.Output == "wide", NoHeaders: o.Print.NoHeaders, ShowLabels: o.Print.ShowLabels, Now: o.Now()}
}

// list returns the -o object of the trials.
func (o *Options) list(statuses []trial.Status) TrialList {
	sum := map[string]int{}
	for st, n := range trial.Count(statuses) {
		sum[strings.ToLower(string(st))] = n
	}
	if statuses == nil {
		statuses = []trial.Status{}
	}
	return TrialList{APIVersion: common.APIVersion, Kind: "TrialList", Experiment: o.experiment, Namespace: o.namespace, Summary: sum, Items: statuses}
}

// watch prints the table, then one row for every trial whose state, reason,
// restarts or node changes, aligned with the table, and the summary
// whenever it changes; it ends when every trial has finished.
func (o *Options) watch(ctx context.Context, sel string) error {
	last := map[string]string{}
	lastSummary := ""
	var names []string
	attempts := false
	first := true
	rw := &common.RowWriter{W: o.Out}
	kw, err := o.watchKueue(ctx, sel)
	if err != nil {
		return err
	}
	queue := kw != nil
	opts := kube.WatchOptions{LossTimeout: o.LossTimeout, Warn: o.ErrOut, Extra: kw.informers()}
	return kube.WatchJobsAndPodsWith(ctx, o.client, o.namespace, sel, opts, func(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
		if len(jobs) == 0 {
			if first {
				_, err := o.collect(jobs, pods)
				return true, err
			}
			fmt.Fprintf(o.ErrOut, "experiment %q has no Jobs any more\n", o.experiment)
			return true, nil
		}
		jobs, _ = o.TrialFlags.KeepJobs(jobs)
		statuses, _, err := o.filter.Apply(trial.FromJobs(jobs, pods))
		if err != nil {
			return true, err
		}
		if err := kw.apply(jobs, statuses); err != nil {
			return true, err
		}
		o.noteGone(statuses, last)
		p := o.printer()
		p.Queue = queue
		var rows [][]string
		if first {
			names, attempts = trial.ParamColumns(statuses), AnyRetried(statuses)
		}
		p.Attempts = attempts
		if first {
			if !o.Print.NoHeaders {
				rows = append(rows, p.Header(names))
			}
			first = false
		}
		for i := range statuses {
			s := &statuses[i]
			key := fmt.Sprintf("%s|%s|%s|%d|%s", s.State, s.Queueing.PositionText(), s.ReasonText(true), s.Restarts, s.Node)
			if last[s.Name] == key {
				continue
			}
			last[s.Name] = key
			rows = append(rows, p.Row(s, names))
		}
		if err := rw.Write(rows); err != nil {
			return true, err
		}
		counts := trial.Summarize(statuses)
		if sum := counts.String(); sum != lastSummary {
			fmt.Fprintln(o.ErrOut, sum)
			lastSummary = sum
		}
		return counts.Finished(), nil
	})
}

// noteGone says on stderr which trials shown before are no longer there
// (their Job was deleted) and forgets them.
func (o *Options) noteGone(statuses []trial.Status, shown map[string]string) {
	now := make(map[string]bool, len(statuses))
	for _, s := range statuses {
		now[s.Name] = true
	}
	var gone []string
	for name := range shown {
		if !now[name] {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	for _, name := range gone {
		fmt.Fprintf(o.ErrOut, "trial %s is gone: its Job was deleted\n", name)
		delete(shown, name)
	}
}
