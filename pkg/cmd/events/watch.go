package events

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trialevents"
)

// queue hands events from the informer's goroutine to the printer without
// ever blocking the informer.
type queue struct {
	mu    sync.Mutex
	items []any // *corev1.Event or *corev1.Pod
	kick  chan struct{}
}

func (q *queue) push(obj any) {
	switch obj.(type) {
	case *corev1.Event, *corev1.Pod:
	default:
		return
	}
	q.mu.Lock()
	q.items = append(q.items, obj)
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

func (q *queue) drain() []any {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.items
	q.items = nil
	return out
}

// follow watches the namespace's events and the experiment's pods (one
// List then a watch each, through informers that resume broken watches),
// prints what is there, then each new or updated event, or the group it
// updates, until ctx ends or the API server has not answered for
// kube.ServerLossTimeout. Pods are watched for their OOM kills, which the
// kubelet records in their status only.
func (o *Options) follow(ctx context.Context, m *trialevents.Members) error {
	reach := kube.WatchOptions{LossTimeout: o.LossTimeout, Warn: o.ErrOut}.NewReach()
	ctx, cancel := context.WithCancel(ctx)
	evInf := kube.EventInformer(o.client, o.namespace, reach)
	podInf := kube.PodInformer(o.client, o.namespace, keys.ForExperiment(o.experiment), reach)
	q := &queue{kick: make(chan struct{}, 1)}
	handler := cache.ResourceEventHandlerFuncs{AddFunc: q.push, UpdateFunc: func(_, obj any) { q.push(obj) }}
	for _, inf := range []cache.SharedIndexInformer{evInf, podInf} {
		if _, err := inf.AddEventHandler(handler); err != nil {
			cancel()
			return err
		}
	}
	// The informers stop only once ctx is done: every return cancels
	// first, then waits for them.
	wait := kube.RunInformers(ctx, evInf, podInf)
	defer func() {
		cancel()
		wait()
	}()
	lost := kube.GiveUpOnLoss(ctx, cancel, reach)
	if !cache.WaitForCacheSync(ctx.Done(), evInf.HasSynced, podInf.HasSynced) {
		return lost()
	}

	seen := map[string]string{} // event ID -> resourceVersion printed
	agg := eventagg.NewAggregator(eventagg.NewNormalizer(o.experiment))
	p := o.printer()
	var objs []any
	objs = append(objs, podInf.GetStore().List()...)
	objs = append(objs, evInf.GetStore().List()...)
	first := o.fresh(m, seen, objs)
	if len(first) == 0 {
		o.noEvents()
	}
	if err := o.print(p, agg, first); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return lost()
		case <-q.kick:
		}
		if err := o.print(p, agg, o.fresh(m, seen, q.drain())); err != nil {
			return err
		}
	}
}

// fresh returns the experiment's events among objs (events, and pods'
// OOM kills) not printed yet in this version, oldest first; pods also
// join the experiment's members.
func (o *Options) fresh(m *trialevents.Members, seen map[string]string, objs []any) []trialevents.Event {
	var out []trialevents.Event
	add := func(ev eventagg.Event, version string) {
		te, ok := m.Keep(ev, o.Types)
		if !ok || seen[te.ID] == version {
			return
		}
		seen[te.ID] = version
		out = append(out, te)
	}
	for _, obj := range objs {
		switch x := obj.(type) {
		case *corev1.Pod:
			m.AddPod(x)
			for _, ev := range m.PodEvents(x) {
				add(ev, "1")
			}
		case *corev1.Event:
			add(eventagg.FromCore(x), x.ResourceVersion)
		}
	}
	trialevents.Sort(out)
	return out
}

// print writes events while following: each as a raw line, or the groups
// they change, once each, in the state they are now in.
func (o *Options) print(p *Printer, agg *eventagg.Aggregator, evs []trialevents.Event) error {
	if len(evs) == 0 && p.headed {
		return nil
	}
	if o.Raw {
		return p.PrintRaw(o.Out, evs)
	}
	changed := map[eventagg.Key]bool{}
	var keys []eventagg.Key
	for _, e := range evs {
		k := agg.Add(e.Event)
		if !changed[k] {
			changed[k] = true
			keys = append(keys, k)
		}
	}
	var gs []eventagg.Group
	for _, k := range keys {
		if g, ok := agg.Group(k); ok {
			gs = append(gs, g)
		}
	}
	eventagg.SortGroups(gs)
	return p.PrintGroups(o.Out, gs)
}
