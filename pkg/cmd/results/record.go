package results

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

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
// Job, as the results annotation, when they differ from what is there:
// MaxRequests merge patches at a time. It stops at the first Forbidden and
// warns once; other failures are summed up in one warning.
func (o *Options) record(ctx context.Context, items []*collect.Item, metric, key string) {
	var forbidden atomic.Bool
	var mu sync.Mutex
	var failed []string
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.MaxRequests)
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
		g.Go(func() error {
			if forbidden.Load() {
				return nil
			}
			err := o.patchRecord(gctx, it.Job.Namespace, it.Job.Name, enc)
			switch {
			case err == nil:
			case apierrors.IsForbidden(err):
				if forbidden.CompareAndSwap(false, true) {
					fmt.Fprintf(o.ErrOut, "warning: cannot record results on the Jobs (%v): logs will be read again next time; --no-record skips recording\n", err)
				}
			default:
				mu.Lock()
				failed = append(failed, fmt.Sprintf("%s: %v", it.Job.Name, err))
				mu.Unlock()
			}
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
