package retry

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// replace deletes each planned trial's Job with foreground propagation,
// waits for it to be gone through one watch of the experiment's Jobs, and
// creates the new one; --concurrency trials at a time. It tries every
// trial even when some fail.
func (o *Options) replace(ctx context.Context, plan []*planned) error {
	var w *kube.JobWatch
	if o.dryRun == common.DryRunNone {
		var err error
		if w, err = kube.WatchJobs(ctx, o.client, o.namespace, o.experimentSelector()); err != nil {
			return err
		}
		defer w.Stop()
	}
	errs := kube.WriteEach(len(plan), o.Concurrency, func(i int) error { return o.replaceOne(ctx, w, plan[i]) }, nil)
	var failed []error
	for i, err := range errs {
		if err != nil {
			failed = append(failed, fmt.Errorf("trial %s: %w", plan[i].Job.Name, err))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	for _, err := range failed[1:] {
		fmt.Fprintln(o.ErrOut, "error:", err)
	}
	return fmt.Errorf("%d of %d trials were not retried: %w", len(failed), len(plan), failed[0])
}

// replaceOne replaces one trial's Job. With --dry-run=server both writes
// are sent with dryRun=All; the create then asks for a generated name,
// since the old Job, not really deleted, still holds the trial's.
func (o *Options) replaceOne(ctx context.Context, w *kube.JobWatch, p *planned) error {
	jobs := o.client.BatchV1().Jobs(o.namespace)
	policy := metav1.DeletePropagationForeground
	del := metav1.DeleteOptions{PropagationPolicy: &policy, Preconditions: &metav1.Preconditions{UID: &p.old.UID}}
	create := metav1.CreateOptions{FieldManager: keys.FieldManager}
	if o.dryRun == common.DryRunServer {
		del.DryRun = []string{metav1.DryRunAll}
		create.DryRun = []string{metav1.DryRunAll}
		if err := jobs.Delete(ctx, p.old.Name, del); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		probe := p.Job.DeepCopy()
		probe.GenerateName, probe.Name = probe.Name+"-", ""
		if _, err := jobs.Create(ctx, probe, create); err != nil {
			return fmt.Errorf("create: %w", err)
		}
		return nil
	}
	if err := jobs.Delete(ctx, p.old.Name, del); err != nil && !apierrors.IsNotFound(err) {
		if apierrors.IsConflict(err) {
			return fmt.Errorf("its Job changed since it was read (retried or re-submitted meanwhile?); run retry again: %w", err)
		}
		return fmt.Errorf("delete: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	if err := w.WaitGone(wctx, p.old.Name, p.old.UID); err != nil {
		return fmt.Errorf("%w (--timeout %v)", err, o.Timeout)
	}
	var created *batchv1.Job
	err := retry.OnError(retry.DefaultBackoff, retriable, func() error {
		var err error
		created, err = jobs.Create(ctx, p.Job, create)
		return err
	})
	if err != nil {
		return fmt.Errorf("its old Job was deleted but the new one could not be created (submit the experiment file again to re-create it): %w", err)
	}
	p.Job = created
	return nil
}

// retriable reports whether a failed create is worth trying again.
func retriable(err error) bool {
	return apierrors.IsServerTimeout(err) || apierrors.IsTooManyRequests(err) || apierrors.IsTimeout(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err)
}
