package kube

import (
	"context"
	"fmt"
	"sync"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// JobWatch is a watched view of the Jobs matching a selector (one List and
// one watch, whatever the number of Jobs), used to wait until deleted Jobs
// are gone without polling each of them.
type JobWatch struct {
	ns       string
	store    cache.Store
	stop     context.CancelFunc
	shutdown func()

	mu      sync.Mutex
	waiters map[string][]chan struct{}
}

// WatchJobs starts watching the Jobs matching selector in namespace ns and
// returns once the view has synced. Stop ends it.
func WatchJobs(ctx context.Context, c kubernetes.Interface, ns, selector string) (*JobWatch, error) {
	wctx, cancel := context.WithCancel(ctx)
	f := informers.NewSharedInformerFactoryWithOptions(c, 0,
		informers.WithNamespace(ns),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = selector }))
	inf := f.Batch().V1().Jobs().Informer()
	w := &JobWatch{ns: ns, store: inf.GetStore(), stop: cancel, waiters: map[string][]chan struct{}{}}
	changed := func(obj any) {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		if j, ok := obj.(*batchv1.Job); ok {
			w.notify(j.Name)
		}
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    changed,
		UpdateFunc: func(_, obj any) { changed(obj) },
		DeleteFunc: changed,
	}); err != nil {
		cancel()
		return nil, err
	}
	f.Start(wctx.Done())
	w.shutdown = f.Shutdown
	if !cache.WaitForCacheSync(wctx.Done(), inf.HasSynced) {
		w.Stop()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("watch jobs: cache did not sync")
	}
	return w, nil
}

// Stop ends the watch and waits for it to end.
func (w *JobWatch) Stop() {
	w.stop()
	w.shutdown()
}

// WaitGone blocks until the Job name with UID uid is no longer in the view
// (deleted, or replaced by a Job of another UID), or ctx ends.
func (w *JobWatch) WaitGone(ctx context.Context, name string, uid types.UID) error {
	for {
		ch := w.register(name)
		if !w.present(name, uid) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for Job %s to be deleted: %w", name, ctx.Err())
		}
	}
}

func (w *JobWatch) present(name string, uid types.UID) bool {
	obj, ok, err := w.store.GetByKey(w.ns + "/" + name)
	if err != nil || !ok {
		return false
	}
	j, isJob := obj.(*batchv1.Job)
	return isJob && (uid == "" || j.UID == uid)
}

func (w *JobWatch) register(name string) chan struct{} {
	ch := make(chan struct{})
	w.mu.Lock()
	w.waiters[name] = append(w.waiters[name], ch)
	w.mu.Unlock()
	return ch
}

func (w *JobWatch) notify(name string) {
	w.mu.Lock()
	chs := w.waiters[name]
	delete(w.waiters, name)
	w.mu.Unlock()
	for _, ch := range chs {
		close(ch)
	}
}
