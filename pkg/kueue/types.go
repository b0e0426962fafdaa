package kueue

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Condition types of a Workload's status (Kueue's apis/kueue/v1beta2).
const (
	// CondQuotaReserved is true once a ClusterQueue reserved quota for the
	// Workload; while false its reason says why not ("Pending",
	// "Inadmissible") and its message what is missing.
	CondQuotaReserved = "QuotaReserved"
	// CondAdmitted is true once the Workload is admitted: Kueue then
	// unsuspends its Job.
	CondAdmitted = "Admitted"
	// CondEvicted is true when Kueue took the admission back (preempted,
	// deactivated, PodsReady timeout, queue stopped, ...).
	CondEvicted = "Evicted"
	// CondPreempted is true when the Workload was preempted; its reason says
	// by what (InClusterQueue, InCohortReclamation, ...).
	CondPreempted = "Preempted"
	// CondFinished is true once the Job has finished.
	CondFinished = "Finished"
	// CondRequeued is true once an evicted Workload is back in its queue;
	// its reason says why (Reactivated, BackoffFinished, ...).
	CondRequeued = "Requeued"
	// EvictedDeactivated is the reason of the Evicted condition of a
	// Workload deactivated through spec.active.
	EvictedDeactivated = "Deactivated"
)

// Workload is the part of Kueue's Workload the plugin reads. Kueue creates
// one per Job it manages, owned by the Job.
type Workload struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              WorkloadSpec   `json:"spec"`
	Status            WorkloadStatus `json:"status,omitempty"`
}

// WorkloadSpec is the part of a Workload's spec the plugin reads.
type WorkloadSpec struct {
	// QueueName is the LocalQueue the Workload waits in.
	QueueName string `json:"queueName,omitempty"`
	// Priority orders Workloads within a queue, higher first.
	Priority *int32 `json:"priority,omitempty"`
	// Active false deactivates the Workload: Kueue evicts it and keeps it
	// out of the queue until it is true again.
	Active *bool `json:"active,omitempty"`
}

// WorkloadStatus is the part of a Workload's status the plugin reads.
type WorkloadStatus struct {
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	Admission  *Admission         `json:"admission,omitempty"`
}

// Admission says where a Workload holds quota.
type Admission struct {
	ClusterQueue string `json:"clusterQueue"`
}

// LocalQueue is the part of Kueue's LocalQueue the plugin reads.
type LocalQueue struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              LocalQueueSpec   `json:"spec"`
	Status            LocalQueueStatus `json:"status,omitempty"`
}

// LocalQueueSpec names the ClusterQueue a LocalQueue feeds.
type LocalQueueSpec struct {
	ClusterQueue string `json:"clusterQueue,omitempty"`
}

// LocalQueueStatus counts a LocalQueue's Workloads.
type LocalQueueStatus struct {
	PendingWorkloads   int32 `json:"pendingWorkloads"`
	ReservingWorkloads int32 `json:"reservingWorkloads"`
	AdmittedWorkloads  int32 `json:"admittedWorkloads"`
}

// fromUnstructured decodes u into out, ignoring fields out does not have.
func fromUnstructured[T any](items []unstructured.Unstructured) ([]T, error) {
	out := make([]T, len(items))
	for i := range items {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(items[i].Object, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
