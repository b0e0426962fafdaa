package drive

import (
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// create renders and creates the planned trials. A trial whose Job exists
// already (another driver made it: the lease was lost meanwhile) is left
// as it is; the next view shows it.
func (s *session) create(ctx context.Context, planned []Planned) error {
	if len(planned) == 0 {
		return nil
	}
	d := s.d
	sugs := make([]render.Suggested, len(planned))
	for i, p := range planned {
		sugs[i] = render.Suggested{Index: p.Index, Params: p.Params, Meta: p.Meta}
	}
	trials, err := render.RenderSuggested(d.Exp, sugs)
	if err != nil {
		return err
	}
	jobs := d.Client.BatchV1().Jobs(d.Namespace)
	for i, t := range trials {
		t.Job.Namespace = d.Namespace
		err := retry.OnError(retry.DefaultBackoff, transient, func() error {
			_, err := jobs.Create(ctx, t.Job, metav1.CreateOptions{FieldManager: keys.FieldManager})
			return err
		})
		switch {
		case apierrors.IsAlreadyExists(err):
			fmt.Fprintf(d.ErrOut, "warning: trial %s exists already (made by another driver?); leaving it\n", t.Name)
		case err != nil:
			return fmt.Errorf("create trial %s: %w", t.Name, err)
		}
		s.pending[t.Name] = search.Trial{Index: planned[i].Index, Params: planned[i].Params, Meta: planned[i].Meta, State: search.Running}
		fmt.Fprintf(d.Out, "trial %s created (%s)\n", t.Name, t.Params)
	}
	return nil
}

// transient reports whether a failed write is worth trying again.
func transient(err error) bool {
	return apierrors.IsServerTimeout(err) || apierrors.IsTooManyRequests(err) || apierrors.IsTimeout(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err)
}

// stop stops the trials the early-stopping rule named: one merge patch
// each records why (keys.EarlyStopped) and the objective so far, and
// suspends the Job, so the Job controller deletes its pod and the trial
// stays a Job that says what it reached. Suspending rather than deleting
// the pod keeps the Job from starting another one (a deleted pod of a Job
// is replaced).
func (s *session) stop(ctx context.Context, items []*collect.Item, key string, stops []search.Stop) error {
	if len(stops) == 0 {
		return nil
	}
	byIndex := make(map[int]*collect.Item, len(items))
	for _, it := range items {
		byIndex[it.Status.Index] = it
	}
	for _, st := range stops {
		it := byIndex[st.Index]
		if it == nil || it.Job == nil {
			continue
		}
		o := ObjectiveOf(s.metric, s.strategy, it.Curves[s.metric])
		enc, err := o.Encode()
		if err != nil {
			return err
		}
		anns := map[string]string{keys.EarlyStopped: st.Reason, keys.Objective: enc}
		// What it reported so far outlives its pod, which the suspension
		// deletes: results ranks it by that.
		if it.Fresh {
			if rec, err := collect.RecordOf(it, s.metric, key); err == nil {
				anns[keys.Results] = rec
			}
		}
		patch, err := json.Marshal(map[string]any{
			"metadata": map[string]any{"annotations": anns},
			"spec":     map[string]any{"suspend": true},
		})
		if err != nil {
			return err
		}
		_, err = s.d.Client.BatchV1().Jobs(s.d.Namespace).Patch(ctx, it.Job.Name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: keys.FieldManager})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("stop trial %s early: %w", it.Job.Name, err)
		}
		s.said[it.Job.Name] = true
		fmt.Fprintf(s.d.Out, "trial %s stopped early: %s\n", it.Job.Name, st.Reason)
	}
	return nil
}
