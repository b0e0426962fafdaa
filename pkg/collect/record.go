package collect

import (
	"context"
	"fmt"
	"io"
	"sync"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// RecordFieldManager names the writer of the results annotation in
// managedFields, apart from submit's server-side apply, which then leaves
// it alone.
const RecordFieldManager = keys.FieldManager + "-results"

// Recorder writes what was read from finished trials' logs on their Jobs,
// so that the logs are read once: `results`, and a search's driver as
// trials finish.
type Recorder struct {
	Client    kubernetes.Interface
	Namespace string
	// ErrOut gets one note when Jobs may not be patched, and one warning
	// summing up other failures.
	ErrOut io.Writer
	// MaxRequests caps the patches in flight; at least 1.
	MaxRequests int
	// Extra returns more annotations to write with an item's record (a
	// search's objective); nil for none.
	Extra func(*Item) map[string]string
}

// Record writes the metrics read now from each finished trial's pod on its
// Job (keys.Results, with Extra's annotations), when they differ from
// what is there; metric is kept first when the record must be cut. The
// first patch goes alone: when Jobs may not be patched (Forbidden) one note
// says so and nothing else is tried; then MaxRequests merge patches run at
// a time. It returns the items it wrote.
func (r *Recorder) Record(ctx context.Context, items []*Item, metric, key string) []*Item {
	type write struct {
		it   *Item
		anns map[string]string
	}
	var todo []write
	for _, it := range items {
		if !it.Fresh || !it.Status.State.Finished() || it.Job == nil {
			continue
		}
		enc, err := RecordOf(it, metric, key)
		if err != nil {
			continue
		}
		anns := map[string]string{}
		if enc != it.Job.Annotations[keys.Results] {
			anns[keys.Results] = enc
		}
		if r.Extra != nil {
			for k, v := range r.Extra(it) {
				if v != it.Job.Annotations[k] {
					anns[k] = v
				}
			}
		}
		if len(anns) > 0 {
			todo = append(todo, write{it, anns})
		}
	}
	if len(todo) == 0 {
		return nil
	}
	var mu sync.Mutex
	var failed []string
	var done []*Item
	patch := func(w write) error {
		err := kube.AnnotateJob(ctx, r.Client, w.it.Job.Namespace, w.it.Job.Name, w.anns, RecordFieldManager)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			done = append(done, w.it)
		case !apierrors.IsForbidden(err):
			failed = append(failed, fmt.Sprintf("%s: %v", w.it.Job.Name, err))
		}
		return err
	}
	if err := patch(todo[0]); apierrors.IsForbidden(err) {
		fmt.Fprintf(r.ErrOut, "note: results not recorded: you may not patch Jobs in namespace %q, so logs are read again next time (--no-record skips trying)\n", r.Namespace)
		return nil
	}
	g := errgroup.Group{}
	g.SetLimit(max(r.MaxRequests, 1))
	for _, w := range todo[1:] {
		g.Go(func() error {
			_ = patch(w)
			return nil
		})
	}
	_ = g.Wait()
	if len(failed) > 0 {
		fmt.Fprintf(r.ErrOut, "warning: could not record the results of %d trials (first: %s)\n", len(failed), failed[0])
	}
	return done
}

// RecordOf returns the results annotation (keys.Results) of the metrics
// read now from an item's pod; metric is kept first when the record must
// be cut, key is the patterns' key.
func RecordOf(it *Item, metric, key string) (string, error) {
	rec := ranking.Record{Source: it.Source, Patterns: key, Metrics: map[string]ranking.Value{}}
	if it.Pod != nil {
		rec.Pod = it.Pod.Name
	}
	for k, v := range it.Metrics {
		rec.Metrics[k] = ranking.Value(v)
	}
	return ranking.EncodeRecord(rec, metric)
}
