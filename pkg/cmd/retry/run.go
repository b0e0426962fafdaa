package retry

import (
	"context"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// planned is one trial to re-run: its status, its Job now (in full) and
// the Job that replaces it.
type planned struct {
	status trial.Status
	old    *batchv1.Job
	trial.Retried
}

// Run chooses the trials, renders their new Jobs and replaces them (or
// prints them with --dry-run=client). Every new Job is built before the
// first write: an error writes nothing.
func (o *Options) Run(ctx context.Context) error {
	jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, o.selector)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		return o.notFound()
	}
	statuses := trial.FromJobs(jobs, pods)
	kept, missing, err := o.filter.Apply(statuses)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("no trial %s in experiment %q (see `%s`)", strings.Join(missing, ", "), o.experiment, o.hint.Command("status", o.experiment))
	}
	chosen, waiting, err := trial.SelectRetry(kept, o.mode, o.named)
	if err != nil {
		return err
	}
	o.noteSurvivedOOM(kept)
	if len(chosen) == 0 {
		what := "failed trials"
		if o.mode == trial.RetryFinished {
			what = "finished trials"
		}
		fmt.Fprintf(o.ErrOut, "no %s to retry in experiment %q (%s)\n", what, o.experiment, trial.Count(kept))
		return nil
	}
	plan, err := o.plan(ctx, chosen, jobs)
	if err != nil {
		return err
	}
	o.checkNodes(ctx, plan)
	if o.dryRun == common.DryRunClient {
		return o.report(plan, waiting)
	}
	// Replacing is a delete then a create: check both before the first.
	if err := kube.CheckAccess(ctx, o.client, o.namespace, []kube.Access{
		{Verb: "delete", Group: "batch", Resource: "jobs"},
		{Verb: "create", Group: "batch", Resource: "jobs"},
	}); err != nil {
		return err
	}
	if err := o.replace(ctx, plan); err != nil {
		return err
	}
	return o.report(plan, waiting)
}

// plan builds the new Job of every chosen trial from its Job fetched in
// full (one List), never from the Jobs listed to decide the trials'
// states, which lack what no reader needs (command, env, volumes...). A
// trial whose Job was replaced or deleted since it was listed stops the
// retry before any write.
func (o *Options) plan(ctx context.Context, chosen []trial.Status, listed []batchv1.Job) ([]*planned, error) {
	uids := make(map[string]types.UID, len(listed))
	for i := range listed {
		uids[listed[i].Name] = listed[i].UID
	}
	names := make([]string, len(chosen))
	for i, s := range chosen {
		names[i] = s.Name
	}
	full, err := kube.FetchJobs(ctx, o.client, o.namespace, o.experimentSelector(), names)
	if err != nil {
		return nil, fmt.Errorf("fetch the Jobs of the trials to retry: %w", err)
	}
	out := make([]*planned, 0, len(chosen))
	for _, s := range chosen {
		old := full[s.Name].Job()
		if old == nil || old.UID != uids[s.Name] {
			return nil, fmt.Errorf("trial %s: its Job was replaced or deleted since it was read (retried or re-submitted meanwhile?); nothing was retried, run retry again", s.Name)
		}
		r, err := trial.RetryJob(full[s.Name], &s, o.resize)
		if err != nil {
			return nil, err
		}
		for _, w := range r.Warnings {
			fmt.Fprintln(o.ErrOut, "warning:", w)
		}
		out = append(out, &planned{status: s, old: old, Retried: *r})
	}
	return out, nil
}

// checkNodes warns about trials that would ask for more memory than any
// node has allocatable: they would stay Pending. One List of nodes; when
// nodes cannot be listed (RBAC), nothing is said.
func (o *Options) checkNodes(ctx context.Context, plan []*planned) {
	var over []string
	var most resource.Quantity
	for _, p := range plan {
		if len(p.Changes) == 0 {
			continue
		}
		q := trial.PodMemoryRequest(&p.Job.Spec.Template.Spec)
		if q.Cmp(most) > 0 {
			most = q
		}
	}
	if most.IsZero() {
		return
	}
	nodes, err := kube.ListNodes(ctx, o.client)
	if err != nil || len(nodes) == 0 {
		return
	}
	var largest *corev1.Node
	for i := range nodes {
		n := &nodes[i]
		if largest == nil || n.Status.Allocatable.Memory().Cmp(*largest.Status.Allocatable.Memory()) > 0 {
			largest = n
		}
	}
	room := largest.Status.Allocatable.Memory()
	for _, p := range plan {
		if len(p.Changes) == 0 {
			continue
		}
		if q := trial.PodMemoryRequest(&p.Job.Spec.Template.Spec); q.Cmp(*room) > 0 {
			over = append(over, fmt.Sprintf("%s (%s)", p.Job.Name, q.String()))
		}
	}
	if len(over) > 0 {
		fmt.Fprintf(o.ErrOut, "warning: %s would ask for more memory than any node has allocatable (the largest, node %s, has %s): it would stay Pending\n",
			abbreviate(over, 5), largest.Name, room.String())
	}
}

// report prints through -o the new Jobs, by default one line
// `job.batch/NAME replaced (what changed)` each, and what to run next.
func (o *Options) report(plan []*planned, waiting []trial.Status) error {
	jobs := make([]*batchv1.Job, len(plan))
	ops := make([]string, len(plan))
	for i, p := range plan {
		jobs[i] = p.Job
		after := string(p.status.State)
		if note := p.status.OOMNote(); note != "" {
			after += " (" + note + ")"
		}
		what := []string{fmt.Sprintf("attempt %d after %s", p.status.Attempt+1, after)}
		for _, c := range p.Changes {
			what = append(what, c.String())
		}
		ops[i] = fmt.Sprintf("replaced%s (%s)", o.dryRun.Suffix(), strings.Join(what, "; "))
	}
	if err := o.PrintFlags.PrintJobs(o.Out, jobs, ops); err != nil {
		return err
	}
	if !o.PrintFlags.Default() {
		return nil
	}
	if len(waiting) > 0 {
		fmt.Fprintf(o.ErrOut, "%d trial(s) that have not finished were left alone\n", len(waiting))
	}
	if o.dryRun == common.DryRunNone {
		fmt.Fprintf(o.ErrOut, "retried %d trial(s) of experiment %q; wait for them with:\n  %s\n", len(plan), o.experiment, o.hint.Command("wait", o.experiment))
	}
	return nil
}

// noteSurvivedOOM names the trials a retry of the failed ones leaves
// although they ran out of memory (they succeeded with a process
// OOM-killed), and how to re-run them with more memory.
func (o *Options) noteSurvivedOOM(kept []trial.Status) {
	more := fmt.Sprintf("%g times the memory", o.resize.MemoryFactor)
	if o.resize.Memory != nil {
		more = "--memory " + o.resize.Memory.String()
	}
	for _, s := range trial.SurvivedOOM(kept, o.mode) {
		fmt.Fprintf(o.ErrOut, "note: %s succeeded, but %s; it is not a failed trial: `kubectl mlexp retry %s %s` re-runs it with %s\n",
			s.Name, s.Message, o.experiment, s.Name, more)
	}
}

// abbreviate joins names, cutting the list after max entries.
func abbreviate(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-max)
}
