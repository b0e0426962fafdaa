package results

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// FieldManager names the writer of the results annotation in managedFields,
// apart from submit's server-side apply, which then leaves it alone.
const FieldManager = labels.FieldManager + "-results"

// record writes the metrics read now from each finished trial's pod on its
// Job, as the results annotation, when they differ from what is there. The
// first patch goes alone: when the user may not patch Jobs (Forbidden) one
// note says so and nothing else is tried; then MaxRequests merge patches run
// at a time, and other failures are summed up in one warning.
func (o *Options) record(ctx context.Context, items []*collect.Item, metric, key string) {
	type write struct {
		it  *collect.Item
		enc string
	}
	var todo []write
	for _, it := range items {
		if !it.Fresh || !it.Status.State.Finished() || it.Job == nil {
			continue
		}
		r := ranking.Record{Source: it.Source, Pod: it.Pod.Name, Patterns: key, Metrics: map[string]ranking.Value{}}
		for k, v := range it.Metrics {
			r.Metrics[k] = ranking.Value(v)
		}
		enc, err := ranking.EncodeRecord(r, metric)
		if err != nil || enc == it.Job.Annotations[labels.Results] {
			continue
		}
		todo = append(todo, write{it, enc})
	}
	if len(todo) == 0 {
		return
	}
	var mu sync.Mutex
	var failed []string
	patch := func(w write) error {
		err := o.patchRecord(ctx, w.it.Job.Namespace, w.it.Job.Name, w.enc)
		if err != nil && !apierrors.IsForbidden(err) {
			mu.Lock()
			failed = append(failed, fmt.Sprintf("%s: %v", w.it.Job.Name, err))
			mu.Unlock()
		}
		return err
	}
	if err := patch(todo[0]); apierrors.IsForbidden(err) {
		fmt.Fprintf(o.ErrOut, "note: results not recorded: you may not patch Jobs in namespace %q, so logs are read again next time (--no-record skips trying)\n", o.namespace)
		return
	}
	g := errgroup.Group{}
	g.SetLimit(o.MaxRequests)
	for _, w := range todo[1:] {
		g.Go(func() error {
			_ = patch(w)
			return nil
		})
	}
	_ = g.Wait()
	if len(failed) > 0 {
		fmt.Fprintf(o.ErrOut, "warning: could not record the results of %d trials (first: %s)\n", len(failed), failed[0])
	}
}

// patchRecord sets the results annotation of one Job with a merge patch.
func (o *Options) patchRecord(ctx context.Context, ns, job, value string) error {
	return kube.AnnotateJob(ctx, o.client, ns, job, labels.Results, value, FieldManager)
}
