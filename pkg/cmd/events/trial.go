package events

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// OfTrial returns the events of one trial of experiment exp, oldest first:
// those among events about its Job and pods (pods already deleted too,
// known by name, such as an earlier attempt's), with the OOM kills its
// pods' statuses record. `describe` shows them.
func OfTrial(exp, name string, jobs []batchv1.Job, pods []corev1.Pod, events []corev1.Event) []TrialEvent {
	m := newMembers(exp, jobs, pods)
	m.only = name
	return (&Options{}).pick(m, events, pods)
}
