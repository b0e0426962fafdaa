package kube

import (
	"context"
	"fmt"
	"sort"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// ChangeFunc receives the current Jobs and pods after each change; it
// returns true to stop watching.
type ChangeFunc func(jobs []batchv1.Job, pods []corev1.Pod) (done bool, err error)

// WatchJobsAndPods keeps a watched view of the Jobs and pods matching
// selector in namespace ns and calls changed with the whole view: once at
// the start and again after changes, coalescing bursts. It returns when
// changed says done, returns an error, or ctx ends (then with nil).
func WatchJobsAndPods(ctx context.Context, c kubernetes.Interface, ns, selector string, changed ChangeFunc) error {
	// One List first: a cluster that cannot be reached or a forbidden
	// resource is an error now, not an informer retrying forever.
	if _, _, err := ListJobsAndPods(ctx, c, ns, selector); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := informers.NewSharedInformerFactoryWithOptions(c, 0,
		informers.WithNamespace(ns),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = selector }))
	jobs := f.Batch().V1().Jobs()
	pods := f.Core().V1().Pods()
	kick := make(chan struct{}, 1)
	notify := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke(kick) },
		UpdateFunc: func(any, any) { poke(kick) },
		DeleteFunc: func(any) { poke(kick) },
	}
	if _, err := jobs.Informer().AddEventHandler(notify); err != nil {
		return err
	}
	if _, err := pods.Informer().AddEventHandler(notify); err != nil {
		return err
	}
	f.Start(ctx.Done())
	// Shutdown waits for the informers, which stop only once ctx is done.
	defer func() {
		cancel()
		f.Shutdown()
	}()
	for typ, ok := range f.WaitForCacheSync(ctx.Done()) {
		if !ok {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("watch %v: cache did not sync", typ)
		}
	}
	poke(kick)
	// Coalesce bursts (24 pods changing at once) into one call.
	const settle = 100 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-kick:
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(settle):
		}
		js, err := jobs.Lister().Jobs(ns).List(labels.Everything())
		if err != nil {
			return err
		}
		ps, err := pods.Lister().Pods(ns).List(labels.Everything())
		if err != nil {
			return err
		}
		done, err := changed(derefJobs(js), derefPods(ps))
		if err != nil || done {
			return err
		}
	}
}

func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func derefJobs(in []*batchv1.Job) []batchv1.Job {
	out := make([]batchv1.Job, len(in))
	for i, j := range in {
		out[i] = *j
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

func derefPods(in []*corev1.Pod) []corev1.Pod {
	out := make([]corev1.Pod, len(in))
	for i, p := range in {
		out[i] = *p
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}
