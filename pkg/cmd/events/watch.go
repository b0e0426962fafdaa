package events

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
)

// queue hands events from the informer's goroutine to the printer without
// ever blocking the informer.
type queue struct {
	mu    sync.Mutex
	items []*corev1.Event
	kick  chan struct{}
}

func (q *queue) push(obj any) {
	e, ok := obj.(*corev1.Event)
	if !ok {
		return
	}
	q.mu.Lock()
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

func (q *queue) drain() []*corev1.Event {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.items
	q.items = nil
	return out
}

// follow watches the namespace's events (one List, then a watch, through
// an informer that resumes broken watches), prints what is there, then
// each new or updated event (or the group it updates) until ctx ends.
func (o *Options) follow(ctx context.Context, m *members) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := informers.NewSharedInformerFactoryWithOptions(o.client, 0, informers.WithNamespace(o.namespace))
	inf := f.Core().V1().Events().Informer()
	q := &queue{kick: make(chan struct{}, 1)}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    q.push,
		UpdateFunc: func(_, obj any) { q.push(obj) },
	}); err != nil {
		return err
	}
	f.Start(ctx.Done())
	defer f.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("watch events: cache did not sync")
	}

	seen := map[string]string{} // event ID -> resourceVersion printed
	agg := eventagg.NewAggregator(eventagg.NewNormalizer(o.experiment))
	p := o.printer()
	var first []TrialEvent
	for _, obj := range inf.GetStore().List() {
		e := obj.(*corev1.Event)
		if te, ok := o.keep(m, e); ok {
			seen[te.ID] = e.ResourceVersion
			first = append(first, te)
		}
	}
	sortTrialEvents(first)
	if len(first) == 0 {
		o.noEvents()
	}
	if err := o.print(p, agg, first); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-q.kick:
		}
		var batch []TrialEvent
		for _, e := range q.drain() {
			te, ok := o.keep(m, e)
			if !ok || seen[te.ID] == e.ResourceVersion {
				continue
			}
			seen[te.ID] = e.ResourceVersion
			batch = append(batch, te)
		}
		sortTrialEvents(batch)
		if err := o.print(p, agg, batch); err != nil {
			return err
		}
	}
}

// print writes events while following: each as a raw line, or the groups
// they change, once each, in the state they are now in.
func (o *Options) print(p *Printer, agg *eventagg.Aggregator, evs []TrialEvent) error {
	if len(evs) == 0 && p.headed {
		return nil
	}
	if o.Raw {
		return p.PrintRaw(o.Out, evs)
	}
	changed := map[eventagg.Key]bool{}
	var keys []eventagg.Key
	for _, e := range evs {
		agg.Add(e.Event)
		k := agg.KeyOf(e.Event)
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
