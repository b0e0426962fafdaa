package delete

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
)

// workloads are the Kueue Workloads of the deleted Jobs, found by the
// Jobs' UIDs; nil when no Job named a queue or Kueue is absent.
type workloads struct {
	kc   *kueue.Client
	uids map[types.UID]bool
}

// workloadsOf returns what waitGone needs to see the Workloads of jobs go.
// Kueue's API is discovered once per command, whatever the experiments.
func (o *Options) workloadsOf(ctx context.Context, jobs []batchv1.Job) (*workloads, error) {
	if !kueue.UsesQueue(jobs) {
		return nil, nil
	}
	if o.kueue == nil {
		kc, err := kueue.NewClient(ctx, o.Getter, o.client)
		if err != nil {
			return nil, err
		}
		o.kueue = kc
	}
	kc := o.kueue
	if !kc.API.Installed() {
		return nil, nil
	}
	w := &workloads{kc: kc, uids: make(map[types.UID]bool, len(jobs))}
	for _, j := range jobs {
		w.uids[j.UID] = true
	}
	return w, nil
}

// left counts the Workloads of the deleted Jobs still in namespace ns.
func (w *workloads) left(ctx context.Context, ns string) (int, error) {
	if w == nil {
		return 0, nil
	}
	wls, err := w.kc.Workloads(ctx, ns)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range wls {
		if w.uids[wls[i].JobUID()] {
			n++
		}
	}
	return n, nil
}
