package kube

import (
	"context"
	"sync"

	"github.com/go-logr/logr"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
)

// JobInformer returns an informer of the Jobs matching selector in
// namespace ns whose requests r observes.
func JobInformer(c kubernetes.Interface, ns, selector string, r *Reach) cache.SharedIndexInformer {
	jobs := c.BatchV1().Jobs(ns)
	lw := r.ListWatch(c,
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = selector
			return jobs.List(ctx, o)
		},
		func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = selector
			return jobs.Watch(ctx, o)
		})
	return cache.NewSharedIndexInformer(lw, &batchv1.Job{}, 0, cache.Indexers{})
}

// PodInformer returns an informer of the pods matching selector in
// namespace ns whose requests r observes.
func PodInformer(c kubernetes.Interface, ns, selector string, r *Reach) cache.SharedIndexInformer {
	pods := c.CoreV1().Pods(ns)
	lw := r.ListWatch(c,
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = selector
			return pods.List(ctx, o)
		},
		func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = selector
			return pods.Watch(ctx, o)
		})
	return cache.NewSharedIndexInformer(lw, &corev1.Pod{}, 0, cache.Indexers{})
}

// EventInformer returns an informer of every event of namespace ns whose
// requests r observes.
func EventInformer(c kubernetes.Interface, ns string, r *Reach) cache.SharedIndexInformer {
	events := c.CoreV1().Events(ns)
	lw := r.ListWatch(c,
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return events.List(ctx, o) },
		func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) { return events.Watch(ctx, o) })
	return cache.NewSharedIndexInformer(lw, &corev1.Event{}, 0, cache.Indexers{})
}

// RunInformers starts infs under ctx and returns a function that waits for
// them to stop; they stop once ctx ends, so cancel ctx before calling it.
// Their failures are not logged: the Reach behind their requests tells the
// command, which says it in one line instead of client-go's log lines.
func RunInformers(ctx context.Context, infs ...cache.SharedIndexInformer) (wait func()) {
	ctx = klog.NewContext(ctx, logr.Discard())
	var wg sync.WaitGroup
	for _, inf := range infs {
		// Only fails once the informer has started.
		_ = inf.SetWatchErrorHandlerWithContext(func(context.Context, *cache.Reflector, error) {})
		wg.Add(1)
		go func() {
			defer wg.Done()
			inf.RunWithContext(ctx)
		}()
	}
	return wg.Wait
}
