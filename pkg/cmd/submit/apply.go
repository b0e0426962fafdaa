package submit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Run loads and renders the experiment, then applies the rendered
// trials, or prints them for --dry-run=client.
func (o *Options) Run(ctx context.Context) error {
	if err := o.load(ctx); err != nil {
		return err
	}
	if o.dryRun == common.DryRunClient {
		jobs := make([]*batchv1.Job, len(o.trials))
		actions := make([]Action, len(o.trials))
		for i, t := range o.trials {
			jobs[i], actions[i] = t.Job, Create
		}
		return o.report(jobs, actions, nil)
	}
	if err := o.checkQueues(ctx); err != nil {
		return err
	}
	// The plan reads labels and annotations only: a metadata-only List.
	existing, err := kube.ListJobMeta(ctx, o.client, o.namespace, keys.ForExperiment(o.exp.Name))
	if err != nil {
		return fmt.Errorf("list jobs of experiment %q: %w", o.exp.Name, err)
	}
	// The trials a retry re-created are checked in full: the pod template
	// a retry wrote may not be the file's although the hash says it is.
	// Those configured in place are written from their whole Job.
	full, err := kube.FetchJobs(ctx, o.client, o.namespace, keys.ForExperiment(o.exp.Name), NeedFull(o.trials, existing))
	if err != nil {
		return fmt.Errorf("list jobs of experiment %q: %w", o.exp.Name, err)
	}
	plan, err := MakePlan(o.trials, existing, full)
	if err != nil {
		return err
	}
	if o.exp.Search != nil {
		// The search's later trials are not in the file: they are its own.
		plan.Removed = nil
	}
	if (len(plan.Changed) > 0 || len(plan.Drifted) > 0) && !o.Force {
		return changedError(o.exp.Name, o.Filename, plan.Changed, plan.Drifted)
	}
	needs := o.needs(plan)
	if o.exp.Search != nil {
		needs = append(needs, drive.Needs...)
	}
	if o.Driver.InCluster() {
		needs = append(needs, o.Driver.Needs()...)
	}
	if err := kube.CheckAccess(ctx, o.client, o.namespace, needs); err != nil {
		return err
	}
	jobs, err := o.apply(ctx, plan)
	if err != nil {
		return err
	}
	if err := o.unchangedInFull(ctx, plan, jobs); err != nil {
		return err
	}
	o.noteOverridden(plan)
	if err := o.report(jobs, plan.Actions, plan.Removed); err != nil {
		return err
	}
	if o.Driver.InCluster() {
		return o.Driver.Start(ctx, o.client, o.namespace, o.exp.Name, o.hint, o.ErrOut)
	}
	if o.exp.Search != nil {
		return o.drive(ctx)
	}
	return o.waitFor(ctx)
}

// drive runs an adaptive search's driver in the foreground once its first
// batch is written, until the search ends.
func (o *Options) drive(ctx context.Context) error {
	out := o.Out
	if !o.PrintFlags.Default() {
		out = o.ErrOut // stdout holds the objects
	}
	fmt.Fprintf(o.ErrOut, "driving the %s search of experiment %q until it ends (Ctrl-C stops here; %s continues it from any machine)\n",
		o.exp.Search.Algorithm, o.exp.Name, o.hint.Command("tune", o.exp.Name))
	return drive.Foreground(ctx, drive.ForegroundOptions{Out: out, ErrOut: o.ErrOut, Progress: common.IsTerminal(o.ErrOut),
		Client: o.client, Namespace: o.namespace, Exp: o.exp, MaxRequests: min(o.Concurrency, 8),
		Hint: o.hint.Command("tune", o.exp.Name)})
}

// needs returns what the plan will do to the namespace's Jobs, for an
// access check before the first write. A create that finds its Job there
// already (its answer was lost) falls back to server-side apply, and a
// replaced Job is applied after its delete: writing a trial needs both verbs.
func (o *Options) needs(plan Plan) []kube.Access {
	job := func(verb string) kube.Access { return kube.Access{Verb: verb, Group: "batch", Resource: "jobs"} }
	var out []kube.Access
	creates := plan.Count(Create) + plan.Count(Replace)
	if creates > 0 {
		out = append(out, job("create"))
	}
	if creates+plan.Count(Configure) > 0 {
		out = append(out, job("patch"))
	}
	if plan.Count(Replace) > 0 || (o.Prune && len(plan.Removed) > 0) {
		out = append(out, job("delete"))
	}
	return out
}

// apply writes every trial that needs it with bounded concurrency, each
// retried while the API server does not answer; it tries every trial even
// when some fail, so a re-run resumes where this one stopped. When some
// are not written it prints their distinct errors (a few) and returns one
// line: how many trials were written, and why the others were not.
func (o *Options) apply(ctx context.Context, plan Plan) ([]*batchv1.Job, error) {
	jobs := make([]*batchv1.Job, len(o.trials))
	var todo []int
	for i, a := range plan.Actions {
		if a == Unchanged {
			// Only its name is reported, unless unchangedInFull reads it.
			jobs[i] = &batchv1.Job{ObjectMeta: plan.Existing[o.trials[i].Name].ObjectMeta}
			continue
		}
		todo = append(todo, i)
	}
	reach := o.newReach()
	prog := newProgress(o.ErrOut, len(todo))
	errs := kube.WriteEach(len(todo), o.Concurrency, func(k int) error {
		i := todo[k]
		if err := ctx.Err(); err != nil {
			return err
		}
		job, err := o.applyRetrying(ctx, i, plan.Actions[i], plan.Full[o.trials[i].Name].Job(), reach)
		if err == nil {
			// A client returns an empty object with its error.
			jobs[i] = job
		}
		return err
	}, func(int, error) { prog.step() })
	prog.done()
	var failed []error
	for k, err := range errs {
		if err != nil {
			failed = append(failed, fmt.Errorf("trial %s: %w", o.trials[todo[k]].Name, err))
		}
	}
	if o.Prune && len(failed) == 0 && ctx.Err() == nil {
		if err := o.prune(ctx, plan.Removed); err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) == 0 {
		return jobs, nil
	}
	cause := lostOrFirst(failed)
	var lost *kube.LostError
	if !errors.As(cause, &lost) && ctx.Err() == nil {
		printDistinct(o.ErrOut, failed, 3)
	}
	written := 0
	for _, j := range jobs {
		if j != nil {
			written++
		}
	}
	if errors.As(cause, &lost) {
		cause = lost // without the trial it happened to
	}
	return nil, &incomplete{written: written, total: len(o.trials), cause: cause, interrupted: ctx.Err() != nil}
}

// printDistinct prints the failures whose messages (without the trial)
// differ, at most max of them, and how many more there were.
func printDistinct(w io.Writer, failed []error, max int) {
	seen := map[string]bool{}
	shown := 0
	for _, err := range failed {
		msg := err.Error()
		if u := errors.Unwrap(err); u != nil {
			msg = u.Error()
		}
		if seen[msg] {
			continue
		}
		seen[msg] = true
		if shown == max {
			fmt.Fprintf(w, "error: ... (%d trials failed)\n", len(failed))
			return
		}
		fmt.Fprintln(w, "error:", err)
		shown++
	}
}

// applyOne writes one trial's Job: a trial without a Job is created, a
// changed one (Replace) deleted and server-side applied again, and an
// existing Job (Configure, cur its whole Job) applied keeping its run state.
func (o *Options) applyOne(ctx context.Context, i int, a Action, cur *batchv1.Job) (*batchv1.Job, error) {
	t := o.trials[i]
	switch a {
	case Create:
		return o.createJob(ctx, t.Job)
	case Replace:
		if err := o.deleteAndWait(ctx, t.Name); err != nil {
			return nil, err
		}
	case Configure:
		return o.configure(ctx, t, cur)
	}
	return o.applyJob(ctx, t.Job)
}

// createJob creates job with a plain create, which costs the API server
// less than a server-side apply. A Job that exists already (the server
// made an earlier attempt whose answer was lost, or another submit of the
// same file got there first) is applied instead, as every write was
// before: idempotent, and an error if that Job runs something else.
func (o *Options) createJob(ctx context.Context, job *batchv1.Job) (*batchv1.Job, error) {
	opts := metav1.CreateOptions{FieldManager: keys.FieldManager}
	if o.dryRun == common.DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	out, err := o.client.BatchV1().Jobs(o.namespace).Create(ctx, job, opts)
	if apierrors.IsAlreadyExists(err) {
		return o.applyJob(ctx, job)
	}
	return out, err
}

// unchangedInFull replaces the unchanged trials' entries of jobs, read as
// metadata, by their whole Jobs when -o prints objects (json, yaml, templates).
func (o *Options) unchangedInFull(ctx context.Context, plan Plan, jobs []*batchv1.Job) error {
	if !o.PrintFlags.Objects() {
		return nil
	}
	var names []string
	for i, a := range plan.Actions {
		if a == Unchanged {
			names = append(names, o.trials[i].Name)
		}
	}
	full, err := kube.FetchJobs(ctx, o.client, o.namespace, keys.ForExperiment(o.exp.Name), names)
	if err != nil {
		return fmt.Errorf("list jobs of experiment %q: %w", o.exp.Name, err)
	}
	for i, a := range plan.Actions {
		if j := full[o.trials[i].Name].Job(); a == Unchanged && j != nil {
			jobs[i] = j
		}
	}
	return nil
}

// applyJob server-side applies job, forcing the plugin's ownership of the
// fields it sends.
func (o *Options) applyJob(ctx context.Context, job *batchv1.Job) (*batchv1.Job, error) {
	body, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: keys.FieldManager, Force: &force}
	if o.dryRun == common.DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return o.client.BatchV1().Jobs(o.namespace).Patch(ctx, job.Name, types.ApplyPatchType, body, opts)
}

func (o *Options) deleteAndWait(ctx context.Context, name string) error {
	jobs := o.client.BatchV1().Jobs(o.namespace)
	policy := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{PropagationPolicy: &policy}
	if o.dryRun == common.DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
		return jobs.Delete(ctx, name, opts)
	}
	if err := jobs.Delete(ctx, name, opts); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := jobs.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// prune deletes the Jobs of trials no longer in the file.
func (o *Options) prune(ctx context.Context, names []string) error {
	policy := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{PropagationPolicy: &policy}
	if o.dryRun == common.DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	for _, n := range names {
		if err := o.client.BatchV1().Jobs(o.namespace).Delete(ctx, n, opts); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("prune trial %s: %w", n, err)
		}
	}
	return nil
}
