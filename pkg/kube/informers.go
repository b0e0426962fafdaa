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
	return informer(c, r, &batchv1.Job{}, selector, jobs.List, jobs.Watch)
}

// PodInformer returns an informer of the pods matching selector in
// namespace ns whose requests r observes.
func PodInformer(c kubernetes.Interface, ns, selector string, r *Reach) cache.SharedIndexInformer {
	pods := c.CoreV1().Pods(ns)
	return informer(c, r, &corev1.Pod{}, selector, pods.List, pods.Watch)
}

// EventInformer returns an informer of every event of namespace ns whose
// requests r observes.
func EventInformer(c kubernetes.Interface, ns string, r *Reach) cache.SharedIndexInformer {
	events := c.CoreV1().Events(ns)
	return informer(c, r, &corev1.Event{}, "", events.List, events.Watch)
}

// informer returns an informer of obj's kind through a typed client's List
// and Watch, each request with label selector selector, observed by r.
func informer[L runtime.Object](c kubernetes.Interface, r *Reach, obj runtime.Object, selector string,
	list func(context.Context, metav1.ListOptions) (L, error), watchFn WatchFunc) cache.SharedIndexInformer {
	lw := r.ListWatch(c,
		func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = selector
			return list(ctx, o)
		},
		func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = selector
			return watchFn(ctx, o)
		})
	return cache.NewSharedIndexInformer(lw, obj, 0, cache.Indexers{})
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
