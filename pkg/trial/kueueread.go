package trial

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
)

// ReadKueue refines the statuses of trials submitted to a Kueue queue
// from namespace ns's Workloads (queued, admitted, evicted, their place in
// line), as ApplyKueue does with what it reads: one discovery GET and one List, only when some Job names a queue.
func ReadKueue(ctx context.Context, getter kube.Getter, c kubernetes.Interface, ns string, jobs []batchv1.Job, statuses []Status) error {
	if !kueue.UsesQueue(jobs) {
		return nil
	}
	kc, err := kueue.NewClient(ctx, getter, c)
	if err != nil {
		return err
	}
	wls, err := kc.Workloads(ctx, ns)
	if err != nil {
		return err
	}
	ApplyKueue(statuses, jobs, KueueView{Installed: kc.API.Installed(), Workloads: wls})
	return nil
}
