package submit

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/labels"
)

// Run applies the rendered trials, or prints them for --dry-run=client.
func (o *Options) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.dryRun == common.DryRunClient {
		jobs := make([]*batchv1.Job, len(o.trials))
		actions := make([]Action, len(o.trials))
		for i, t := range o.trials {
			jobs[i], actions[i] = t.Job, Create
		}
		return o.report(jobs, actions, nil)
	}
	existing, err := kube.ListJobs(ctx, o.client, o.namespace, labels.ForExperiment(o.exp.Name))
	if err != nil {
		return fmt.Errorf("list jobs of experiment %q: %w", o.exp.Name, err)
	}
	plan := MakePlan(o.trials, existing)
	if len(plan.Changed) > 0 && !o.Force {
		return changedError(o.exp.Name, plan.Changed)
	}
	jobs, err := o.apply(ctx, plan)
	if err != nil {
		return err
	}
	return o.report(jobs, plan.Actions, plan.Removed)
}

// apply writes every trial that needs it with bounded concurrency; it tries
// every trial even when some fail, so a re-run resumes where this one stopped.
func (o *Options) apply(ctx context.Context, plan Plan) ([]*batchv1.Job, error) {
	jobs := make([]*batchv1.Job, len(o.trials))
	var todo []int
	for i, a := range plan.Actions {
		if a == Unchanged {
			jobs[i] = plan.Existing[o.trials[i].Name]
			continue
		}
		todo = append(todo, i)
	}
	prog := newProgress(o.ErrOut, len(todo))
	var mu sync.Mutex
	var failed []error
	g := new(errgroup.Group)
	g.SetLimit(o.Concurrency)
	for _, i := range todo {
		g.Go(func() error {
			job, err := o.applyOne(ctx, i, plan.Actions[i])
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, fmt.Errorf("trial %s: %w", o.trials[i].Name, err))
			}
			jobs[i] = job
			prog.step()
			return nil
		})
	}
	_ = g.Wait()
	prog.done()
	if o.Prune {
		if err := o.prune(ctx, plan.Removed); err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		for _, err := range failed[1:] {
			fmt.Fprintln(o.ErrOut, "error:", err)
		}
		return nil, fmt.Errorf("%d of %d writes failed (run submit again to resume): %w", len(failed), len(todo), failed[0])
	}
	return jobs, nil
}

// applyOne server-side applies one trial's Job, deleting it first when the
// action is Replace.
func (o *Options) applyOne(ctx context.Context, i int, a Action) (*batchv1.Job, error) {
	t := o.trials[i]
	jobs := o.client.BatchV1().Jobs(o.namespace)
	if a == Replace {
		if err := o.deleteAndWait(ctx, t.Name); err != nil {
			return nil, err
		}
	}
	body, err := json.Marshal(t.Job)
	if err != nil {
		return nil, err
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: labels.FieldManager, Force: &force}
	if o.dryRun == common.DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return jobs.Patch(ctx, t.Name, types.ApplyPatchType, body, opts)
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
