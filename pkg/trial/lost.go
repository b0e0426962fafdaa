package trial

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// ReasonNodeNotReady is the reason of a trial whose pod's node stopped
// reporting: the node controller marked the pod not ready.
const ReasonNodeNotReady = "NodeNotReady"

// ReasonTerminating is the reason of a trial whose pod is being deleted.
const ReasonTerminating = "Terminating"

// ReasonPodDeleted is the reason of a failed trial whose pods are gone.
const ReasonPodDeleted = "PodDeleted"

// readinessGatesNotReady is the reason the kubelet gives a pod held back
// by its readiness gates (k8s.io/kubernetes/pkg/kubelet/status).
const readinessGatesNotReady = "ReadinessGatesNotReady"

// nodeLost reports whether the pod's node stopped reporting: the pod is
// Unknown, or the node controller marked it not ready while its containers
// were still ready (the kubelet, which would update both, is gone). A pod
// held back by its readiness gates is not ready for another reason.
func nodeLost(pod *corev1.Pod) bool {
	if pod.Status.Phase == corev1.PodUnknown {
		return true
	}
	if pod.Spec.NodeName == "" || (pod.Status.Phase != corev1.PodRunning && pod.Status.Phase != corev1.PodPending) {
		return false
	}
	ready := podCondition(pod, corev1.PodReady)
	containers := podCondition(pod, corev1.ContainersReady)
	return ready != nil && ready.Status == corev1.ConditionFalse && ready.Reason != readinessGatesNotReady &&
		containers != nil && containers.Status == corev1.ConditionTrue
}

// markNodeLost says what is known of a trial whose node stopped reporting.
func (s *Status) markNodeLost(pod *corev1.Pod) {
	s.State, s.Reason = Unknown, ReasonNodeNotReady
	s.Message = fmt.Sprintf("node %s is not ready (its kubelet does not report): the trial's pod %s may still run, or not", pod.Spec.NodeName, pod.Name)
}

// markTerminating notes that the trial's pod is being deleted; its
// containers stop within their grace period.
func (s *Status) markTerminating(pod *corev1.Pod) {
	s.Reason = ReasonTerminating
	s.Message = fmt.Sprintf("pod %s is being deleted", pod.Name)
}

// markPodsGone explains a failed trial that has no pod left: the Job
// counted its pods as failed, and they were deleted (by hand, or by an
// eviction), so none can say how it ended.
func (s *Status) markPodsGone(job *batchv1.Job) {
	if job.Status.Failed == 0 {
		return
	}
	s.Message = fmt.Sprintf("%s; its pod was deleted (no pod is left to say how it ended)", s.Message)
	if s.Reason == "" {
		s.Reason = ReasonPodDeleted
	}
}

func podCondition(pod *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == t {
			return &pod.Status.Conditions[i]
		}
	}
	return nil
}

// replaced returns how many pods the Job controller replaced: the pods
// still there beyond one, or, when some were deleted, what the Job counted.
func replaced(job *batchv1.Job, pods []corev1.Pod) int32 {
	counted := job.Status.Failed + job.Status.Succeeded + job.Status.Active
	return max(int32(len(pods)), counted, 1) - 1
}
