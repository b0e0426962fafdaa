package trial

import (
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
)

// Queueing is what Kueue says about a trial whose Job names a LocalQueue.
type Queueing struct {
	// Queue is the LocalQueue the Job was submitted to.
	Queue string `json:"queue"`
	// Workload is the name of the Workload Kueue made for the Job.
	Workload string `json:"workload,omitempty"`
	// ClusterQueue is where the Workload holds quota, once it does.
	ClusterQueue string `json:"clusterQueue,omitempty"`
	// Position is the Workload's place among the LocalQueue's pending
	// Workloads (1 is considered first); 0 when it is not pending.
	Position int `json:"position,omitempty"`
	// Pending is the number of pending Workloads in the LocalQueue.
	Pending int `json:"pending,omitempty"`
	// Active is false when the Workload is deactivated.
	Active bool `json:"active"`
}

// KueueView is what one List of a namespace's Workloads says about the
// trials whose Jobs carry Kueue's queue-name label.
type KueueView struct {
	// Installed is false when the cluster does not serve Kueue's API.
	Installed bool
	// Workloads are the namespace's Workloads.
	Workloads []kueue.Workload
}

// Kueue reasons the plugin gives when Kueue itself has not said anything yet.
const (
	// ReasonNoWorkload: the Job names a queue but has no Workload.
	ReasonNoWorkload = "NoWorkload"
	// ReasonWaiting: the Workload has no QuotaReserved condition yet.
	ReasonWaiting = "Waiting"
	// ReasonDeactivated: the Workload's spec.active is false.
	ReasonDeactivated = "Deactivated"
	// ReasonAdmitted: Kueue admitted the Workload.
	ReasonAdmitted = "Admitted"
)

// ApplyKueue refines the statuses of trials whose Jobs name a LocalQueue
// with their Workloads: Queued with Kueue's reason, message and position
// while waiting, Suspended when deactivated, Admitted, Evicted or
// Preempted with Kueue's message. Finished trials keep their state.
func ApplyKueue(statuses []Status, jobs []batchv1.Job, v KueueView) {
	byName := make(map[string]*batchv1.Job, len(jobs))
	for i := range jobs {
		if jobs[i].Labels[keys.KueueQueueName] != "" {
			byName[jobs[i].Namespace+"/"+jobs[i].Name] = &jobs[i]
		}
	}
	if len(byName) == 0 {
		return
	}
	wls := kueue.ByJob(v.Workloads)
	pos := kueue.Positions(v.Workloads)
	for i := range statuses {
		s := &statuses[i]
		job := byName[s.Namespace+"/"+s.Name]
		if job == nil {
			continue
		}
		s.Queueing = &Queueing{Queue: job.Labels[keys.KueueQueueName], Active: true}
		wl := wls[job.UID]
		if wl != nil {
			q := s.Queueing
			q.Workload, q.Active = wl.Name, wl.IsActive()
			if wl.Spec.QueueName != "" {
				q.Queue = wl.Spec.QueueName
			}
			if wl.Status.Admission != nil {
				q.ClusterQueue = wl.Status.Admission.ClusterQueue
			}
			if p, ok := pos[wl.UID]; ok {
				q.Position, q.Pending = p.Index, p.Of
			}
		}
		if s.State.Finished() {
			continue
		}
		s.fromWorkload(isSuspended(job), wl, v.Installed)
	}
}

// fromWorkload sets the state of an unfinished trial from its Workload.
func (s *Status) fromWorkload(suspended bool, wl *kueue.Workload, installed bool) {
	if wl == nil {
		if !suspended {
			return
		}
		s.State, s.Reason = Queued, ReasonNoWorkload
		s.Message = "Kueue has not created a Workload for this Job yet"
		if !installed {
			s.Message = "Kueue is not installed in this cluster: nothing admits this Job (kubectl mlexp resume releases it by hand)"
		}
		return
	}
	evicted := wl.Condition(kueue.CondEvicted)
	if evicted != nil && evicted.Status != metav1.ConditionTrue {
		evicted = nil
	}
	// A Workload deactivated, then reactivated (suspend, then resume) keeps
	// its Evicted condition until it is admitted again: it is back in line.
	var reactivated *metav1.Condition
	if evicted != nil && evicted.Reason == kueue.EvictedDeactivated && wl.IsActive() {
		reactivated, evicted = evicted, nil
	}
	if !wl.IsActive() {
		s.Reason, s.Message = ReasonDeactivated, "the Workload is deactivated: kubectl mlexp resume puts it back in its queue"
		if evicted != nil && evicted.Message != "" {
			s.Message = evicted.Message + "; kubectl mlexp resume puts it back in its queue"
		}
		if suspended {
			s.State = Suspended
		}
		return
	}
	if evicted != nil {
		s.Reason, s.Message = evicted.Reason, evicted.Message
		if p := wl.Condition(kueue.CondPreempted); p != nil && p.Status == metav1.ConditionTrue {
			s.Reason, s.Message = kueue.CondPreempted, p.Message
		}
	}
	if !suspended {
		// Admitted and started: the pods say how it runs.
		if evicted == nil && s.State == Running && s.Reason == "" {
			s.Reason, s.Message = ReasonAdmitted, admittedMessage(wl)
		}
		return
	}
	switch {
	case wl.Is(kueue.CondAdmitted):
		s.State, s.Reason, s.Message = Pending, ReasonAdmitted, admittedMessage(wl)+"; Kueue is starting the Job"
	case wl.Is(kueue.CondQuotaReserved):
		c := wl.Condition(kueue.CondQuotaReserved)
		s.State, s.Reason, s.Message = Queued, c.Reason, c.Message+"; waiting for admission checks"
	case evicted != nil:
		s.State = Queued
	default:
		s.State, s.Reason, s.Message = Queued, ReasonWaiting, "waiting for Kueue to consider it"
		c := wl.Condition(kueue.CondQuotaReserved)
		if reactivated != nil && (c == nil || c.Message == reactivated.Message) {
			// Kueue's scheduler has not looked at it since: say it is back.
			if r := wl.Condition(kueue.CondRequeued); r != nil && r.Status == metav1.ConditionTrue {
				s.Reason, s.Message = r.Reason, r.Message
			}
			return
		}
		if c != nil {
			s.Reason, s.Message = c.Reason, c.Message
		}
	}
}

func admittedMessage(wl *kueue.Workload) string {
	if wl.Status.Admission != nil && wl.Status.Admission.ClusterQueue != "" {
		return "admitted by ClusterQueue " + wl.Status.Admission.ClusterQueue
	}
	return "admitted by Kueue"
}

// PositionText renders a queued trial's place in its LocalQueue, e.g.
// "team-a #3 of 6", or just the queue's name.
func (q *Queueing) PositionText() string {
	if q == nil {
		return ""
	}
	if q.Position > 0 {
		return fmt.Sprintf("%s #%d of %d", q.Queue, q.Position, q.Pending)
	}
	return q.Queue
}

// ShortKueueMessage drops the "couldn't assign flavors to pod set NAME: "
// that starts Kueue's message for a Workload that does not fit.
func ShortKueueMessage(msg string) string {
	const prefix = "couldn't assign flavors to pod set "
	if rest, ok := strings.CutPrefix(msg, prefix); ok {
		if i := strings.Index(rest, ": "); i >= 0 {
			return rest[i+2:]
		}
	}
	return msg
}
