package kueue

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// ListWorkloads lists every Workload of namespace ns, page by page. Kueue
// does not copy a Job's labels onto its Workload, so the list is not
// narrowed by the experiment's label: callers match Workloads to Jobs with
// JobUID.
func ListWorkloads(ctx context.Context, c dynamic.Interface, api API, ns string) ([]Workload, error) {
	items, err := kube.ListUnstructured(ctx, c, api.GVR(Workloads), ns, "")
	if err != nil {
		return nil, fmt.Errorf("list workloads.%s: %w", Group, err)
	}
	return fromUnstructured[Workload](items)
}

// ListLocalQueues lists the LocalQueues of namespace ns.
func ListLocalQueues(ctx context.Context, c dynamic.Interface, api API, ns string) ([]LocalQueue, error) {
	items, err := kube.ListUnstructured(ctx, c, api.GVR(LocalQueues), ns, "")
	if err != nil {
		return nil, fmt.Errorf("list localqueues.%s: %w", Group, err)
	}
	return fromUnstructured[LocalQueue](items)
}

// SetActive sets a Workload's spec.active with one merge patch: false
// deactivates it (Kueue evicts it and suspends its Job), true puts it back
// in its queue.
func SetActive(ctx context.Context, c dynamic.Interface, api API, ns, name string, active bool, opts metav1.PatchOptions) error {
	patch := fmt.Appendf(nil, `{"spec":{"active":%t}}`, active)
	_, err := c.Resource(api.GVR(Workloads)).Namespace(ns).Patch(ctx, name, types.MergePatchType, patch, opts)
	return err
}

// JobUID returns the UID of the Job a Workload stands for: its controller
// owner of kind Job, else Kueue's job-uid label; "" when neither says.
func (w *Workload) JobUID() types.UID {
	for _, o := range w.OwnerReferences {
		if o.Kind == "Job" && o.Controller != nil && *o.Controller {
			return o.UID
		}
	}
	for _, o := range w.OwnerReferences {
		if o.Kind == "Job" {
			return o.UID
		}
	}
	return types.UID(w.Labels[keys.KueueJobUID])
}

// Condition returns the condition of type t, or nil.
func (w *Workload) Condition(t string) *metav1.Condition {
	for i := range w.Status.Conditions {
		if w.Status.Conditions[i].Type == t {
			return &w.Status.Conditions[i]
		}
	}
	return nil
}

// Is reports whether the condition of type t is true.
func (w *Workload) Is(t string) bool {
	c := w.Condition(t)
	return c != nil && c.Status == metav1.ConditionTrue
}

// IsActive reports whether the Workload is active (spec.active unset or true).
func (w *Workload) IsActive() bool { return w.Spec.Active == nil || *w.Spec.Active }

// IsPending reports whether the Workload waits in its queue: active, with
// no quota reserved, not finished.
func (w *Workload) IsPending() bool {
	return w.IsActive() && !w.Is(CondQuotaReserved) && !w.Is(CondFinished)
}

// ByJob indexes Workloads by the UID of their Job. When a Job has several
// (an old one being replaced), the unfinished, then the newest, wins.
func ByJob(wls []Workload) map[types.UID]*Workload {
	out := make(map[types.UID]*Workload, len(wls))
	for i := range wls {
		w := &wls[i]
		uid := w.JobUID()
		if uid == "" {
			continue
		}
		if old, ok := out[uid]; ok && !better(w, old) {
			continue
		}
		out[uid] = w
	}
	return out
}

func better(a, b *Workload) bool {
	if af, bf := a.Is(CondFinished), b.Is(CondFinished); af != bf {
		return !af
	}
	return b.CreationTimestamp.Before(&a.CreationTimestamp)
}

// Position is a pending Workload's place in its LocalQueue.
type Position struct {
	// Index is 1 for the Workload Kueue considers first.
	Index int
	// Of is the number of pending Workloads in the LocalQueue.
	Of int
}

// Positions returns the place of every pending Workload of wls in its
// LocalQueue, keyed by the Workload's UID. A LocalQueue is namespaced, so
// one List of the namespace's Workloads holds all of its Workloads. The
// order is Kueue's (pkg/cache/queue's comparison): higher priority first,
// then the older queue timestamp (creation, or the last eviction by a
// PodsReady timeout or an admission check), then UID. This needs no
// visibility API server. It is the order within the LocalQueue; the
// ClusterQueue interleaves its LocalQueues, and with BestEffortFIFO a
// Workload that fits may pass one that does not.
func Positions(wls []Workload) map[types.UID]Position {
	byQueue := map[string][]*Workload{}
	for i := range wls {
		w := &wls[i]
		if w.IsPending() {
			byQueue[w.Spec.QueueName] = append(byQueue[w.Spec.QueueName], w)
		}
	}
	out := make(map[types.UID]Position)
	for _, q := range byQueue {
		slices.SortFunc(q, compare)
		for i, w := range q {
			out[w.UID] = Position{Index: i + 1, Of: len(q)}
		}
	}
	return out
}

// compare orders two pending Workloads as Kueue's queue does.
func compare(a, b *Workload) int {
	if c := cmp.Compare(priority(b), priority(a)); c != 0 {
		return c
	}
	if c := queueTime(a).Compare(queueTime(b)); c != 0 {
		return c
	}
	return cmp.Compare(a.UID, b.UID)
}

func priority(w *Workload) int32 {
	if w.Spec.Priority == nil {
		return 0
	}
	return *w.Spec.Priority
}

// queueTime is Kueue's queue order timestamp: the time of an eviction by
// a PodsReady timeout or an admission check, else the creation time.
func queueTime(w *Workload) time.Time {
	if c := w.Condition(CondEvicted); c != nil && c.Status == metav1.ConditionTrue &&
		(c.Reason == "PodsReadyTimeout" || c.Reason == "AdmissionCheck") {
		return c.LastTransitionTime.Time
	}
	return w.CreationTimestamp.Time
}
