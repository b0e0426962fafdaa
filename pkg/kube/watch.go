package kube

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// ChangeFunc receives the current Jobs and pods after each change; it
// returns true to stop watching.
type ChangeFunc func(jobs []batchv1.Job, pods []corev1.Pod) (done bool, err error)

// WatchOptions tune WatchJobsAndPodsWith.
type WatchOptions struct {
	// LossTimeout is how long the watch goes on while the API server does
	// not answer before it ends with a *LostError; zero means
	// ServerLossTimeout.
	LossTimeout time.Duration
	// Warn, if set, receives one line when the API server stops answering
	// and one when it answers again.
	Warn io.Writer
	// Extra are more informers (Kueue's Workloads, say) whose changes also
	// call changed; the watch runs them, waits for their caches and stops
	// them. changed reads their stores itself.
	Extra []cache.SharedIndexInformer
	// Every, when set, calls changed at least this often even when nothing
	// changed (a search's driver reads running trials' logs then).
	Every time.Duration
}

// NewReach returns the Reach of a watch with these options: it gives up
// after LossTimeout and tells Warn about outages.
func (o WatchOptions) NewReach() *Reach {
	timeout := o.LossTimeout
	if timeout <= 0 {
		timeout = ServerLossTimeout
	}
	r := NewReach(timeout)
	if o.Warn != nil {
		r.OnLoss = func(err error) {
			fmt.Fprintf(o.Warn, "warning: lost the API server (%v); still watching, giving up after %v without it\n", err, timeout)
		}
		r.OnBack = func(down time.Duration) {
			fmt.Fprintf(o.Warn, "the API server answers again after %v; watching on\n", down.Round(time.Second))
		}
	}
	return r
}

// WatchJobsAndPodsWith keeps a watched view of the Jobs and pods matching
// selector in namespace ns and calls changed with the whole view: once at
// the start and again after changes, coalescing bursts. Broken watches are
// re-established (the informers list again and resume); a relist that
// changes nothing calls changed with the same view. It returns when
// changed says done or returns an error, when the API server has not
// answered for opts.LossTimeout (a *LostError), or when ctx ends (nil).
func WatchJobsAndPodsWith(ctx context.Context, c kubernetes.Interface, ns, selector string, opts WatchOptions, changed ChangeFunc) error {
	// One small List of each first: a cluster that cannot be reached or a
	// forbidden resource is an error now, not an informer retrying forever.
	if err := probe(ctx, c, ns, selector); err != nil {
		return err
	}
	reach := opts.NewReach()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := JobInformer(c, ns, selector, reach)
	pods := PodInformer(c, ns, selector, reach)
	// The informers keep what ListJobsAndPods keeps: at 10,000 trials the
	// fields no command reads are most of the memory.
	for _, inf := range []cache.SharedIndexInformer{jobs, pods} {
		if err := inf.SetTransform(trimState); err != nil {
			return err
		}
	}
	kick := make(chan struct{}, 1)
	notify := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke(kick) },
		UpdateFunc: func(any, any) { poke(kick) },
		DeleteFunc: func(any) { poke(kick) },
	}
	infs := append([]cache.SharedIndexInformer{jobs, pods}, opts.Extra...)
	synced := make([]cache.InformerSynced, len(infs))
	for i, inf := range infs {
		if _, err := inf.AddEventHandler(notify); err != nil {
			return err
		}
		synced[i] = inf.HasSynced
	}
	// The informers stop only once ctx is done: cancel, then wait.
	wait := RunInformers(ctx, infs...)
	defer func() {
		cancel()
		wait()
	}()
	lost := GiveUpOnLoss(ctx, cancel, reach)
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return lost()
	}
	poke(kick)
	var tick <-chan time.Time
	if opts.Every > 0 {
		t := time.NewTicker(opts.Every)
		defer t.Stop()
		tick = t.C
	}
	// Coalesce bursts (24 pods changing at once) into one call.
	const settle = 100 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return lost()
		case <-kick:
		case <-tick:
		}
		select {
		case <-ctx.Done():
			return lost()
		case <-time.After(settle):
		}
		done, err := changed(storedJobs(jobs.GetStore()), storedPods(pods.GetStore()))
		if err != nil || done {
			return err
		}
	}
}

// GiveUpOnLoss cancels ctx (with cancel) once reach says the API server is
// lost. The function it returns, called after ctx has ended, returns the
// loss error if that is why, else nil.
func GiveUpOnLoss(ctx context.Context, cancel context.CancelFunc, reach *Reach) (lost func() error) {
	errc := make(chan error, 1)
	go func() {
		if err := reach.Wait(ctx); err != nil {
			errc <- err
			cancel()
		}
	}()
	return func() error {
		select {
		case err := <-errc:
			return err
		default:
			return nil
		}
	}
}

// probe lists one Job and one pod matching selector, to fail early.
func probe(ctx context.Context, c kubernetes.Interface, ns, selector string) error {
	opts := metav1.ListOptions{LabelSelector: selector, Limit: 1}
	if _, err := c.BatchV1().Jobs(ns).List(ctx, opts); err != nil {
		return err
	}
	_, err := c.CoreV1().Pods(ns).List(ctx, opts)
	return err
}

// trimState trims what the informers keep as ListJobsAndPods does.
func trimState(obj any) (any, error) {
	switch o := obj.(type) {
	case *batchv1.Job:
		trimJobState(o)
	case *corev1.Pod:
		trimPod(o)
	}
	return obj, nil
}

func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// storedJobs returns copies of the Jobs in store s, by name.
func storedJobs(s cache.Store) []batchv1.Job {
	objs := s.List()
	out := make([]batchv1.Job, 0, len(objs))
	for _, o := range objs {
		if j, ok := o.(*batchv1.Job); ok {
			out = append(out, *j)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// storedPods returns copies of the pods in store s, by name.
func storedPods(s cache.Store) []corev1.Pod {
	objs := s.List()
	out := make([]corev1.Pod, 0, len(objs))
	for _, o := range objs {
		if p, ok := o.(*corev1.Pod); ok {
			out = append(out, *p)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}
