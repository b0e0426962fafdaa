package status

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// workloadWatch is what status -w watches of Kueue: the namespace's
// Workloads through an informer, when the experiment uses a queue.
type workloadWatch struct {
	installed bool
	informer  cache.SharedIndexInformer
}

// watchKueue decides whether status -w needs Kueue's Workloads: one List
// of at most one Job of the experiment naming a queue, then discovery.
func (o *Options) watchKueue(ctx context.Context, sel string) (*workloadWatch, error) {
	l, err := o.client.BatchV1().Jobs(o.namespace).List(ctx, metav1.ListOptions{LabelSelector: sel + "," + keys.KueueQueueName, Limit: 1})
	if err != nil || len(l.Items) == 0 {
		return nil, err
	}
	kc, err := kueue.NewClient(ctx, o.Getter, o.client)
	if err != nil {
		return nil, err
	}
	w := &workloadWatch{installed: kc.API.Installed()}
	if w.installed {
		f := dynamicinformer.NewFilteredDynamicSharedInformerFactory(kc.Dynamic, 0, o.namespace, func(lo *metav1.ListOptions) { lo.Limit = kube.PageSize })
		w.informer = f.ForResource(kc.API.GVR(kueue.Workloads)).Informer()
	}
	return w, nil
}

// informers returns the informers WatchJobsAndPodsWith runs.
func (w *workloadWatch) informers() []cache.SharedIndexInformer {
	if w == nil || w.informer == nil {
		return nil
	}
	return []cache.SharedIndexInformer{w.informer}
}

// apply refines statuses from the watched Workloads.
func (w *workloadWatch) apply(jobs []batchv1.Job, statuses []trial.Status) error {
	if w == nil {
		return nil
	}
	v := trial.KueueView{Installed: w.installed}
	if w.informer != nil {
		for _, obj := range w.informer.GetStore().List() {
			u, ok := obj.(*unstructured.Unstructured)
			if !ok {
				continue
			}
			var wl kueue.Workload
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &wl); err != nil {
				return err
			}
			v.Workloads = append(v.Workloads, wl)
		}
	}
	trial.ApplyKueue(statuses, jobs, v)
	return nil
}
