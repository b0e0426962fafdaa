package trial

import (
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// fromPod sets state, reason and times from the trial's current pod; job
// is the trial's Job (its recorded peak usage).
func (s *Status) fromPod(job *batchv1.Job, pod *corev1.Pod) {
	if nodeLost(pod) {
		s.markNodeLost(pod)
		return
	}
	defer func() {
		if pod.DeletionTimestamp != nil && !s.State.Finished() {
			s.markTerminating(pod)
		}
	}()
	switch pod.Status.Phase {
	case corev1.PodRunning:
		s.State = Running
		if c := lastTerminatedOOM(pod); c != nil {
			s.Reason = "Restarted after OOMKilled"
		} else if k, _ := findLikelyOOM(job, []corev1.Pod{*pod}); k != nil {
			s.Reason = "Restarted after a likely OOM kill"
		}
	case corev1.PodSucceeded:
		s.State = Succeeded
		s.noteSurvivedOOM([]corev1.Pod{*pod})
		if t := terminated(pod); t != nil {
			ft := t.FinishedAt.Time
			s.Finished = &ft
		}
	case corev1.PodFailed:
		s.State, s.Reason, s.Message = Failed, pod.Status.Reason, pod.Status.Message
		if t := terminated(pod); t != nil {
			s.ExitCode = &t.ExitCode
			if s.Reason == "" {
				s.Reason = t.Reason
			}
			ft := t.FinishedAt.Time
			s.Finished = &ft
		}
		s.judgeKill(job, []corev1.Pod{*pod})
	default:
		s.State = Pending
		s.pendingReason(pod)
	}
}

// pendingReason explains why a pod is not running: the scheduler's message
// while it is unschedulable, else the first waiting container's reason.
func (s *Status) pendingReason(pod *corev1.Pod) {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			s.Reason, s.Message = c.Reason, c.Message
			if s.Reason == "" {
				s.Reason = "Unschedulable"
			}
			return
		}
	}
	statuses := append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...)
	for _, cs := range statuses {
		if w := cs.State.Waiting; w != nil && w.Reason != "" {
			s.Reason, s.Message = w.Reason, w.Message
			return
		}
	}
	if pod.Spec.NodeName == "" {
		s.Reason = "Scheduling"
		return
	}
	s.Reason = "ContainerCreating"
}

func lastTerminatedOOM(pod *corev1.Pod) *corev1.ContainerStateTerminated {
	for _, cs := range pod.Status.ContainerStatuses {
		if t := cs.LastTerminationState.Terminated; t != nil && t.Reason == ReasonOOMKilled {
			return t
		}
	}
	return nil
}

// terminated returns the termination of the pod's first terminated container,
// preferring one that failed.
func terminated(pod *corev1.Pod) *corev1.ContainerStateTerminated {
	var first *corev1.ContainerStateTerminated
	for _, cs := range pod.Status.ContainerStatuses {
		t := cs.State.Terminated
		if t == nil {
			continue
		}
		if t.ExitCode != 0 {
			return t
		}
		if first == nil {
			first = t
		}
	}
	return first
}

// newestPod returns the most recently created pod (a retried trial has several).
func newestPod(pods []corev1.Pod) *corev1.Pod {
	var newest *corev1.Pod
	for i := range pods {
		p := &pods[i]
		if newest == nil || p.CreationTimestamp.After(newest.CreationTimestamp.Time) ||
			(p.CreationTimestamp.Equal(&newest.CreationTimestamp) && p.Name > newest.Name) {
			newest = p
		}
	}
	return newest
}

// restarts counts container restarts plus the pods the Job had to replace.
func restarts(job *batchv1.Job, pods []corev1.Pod) int32 {
	var n int32
	for _, p := range pods {
		for _, cs := range p.Status.ContainerStatuses {
			n += cs.RestartCount
		}
	}
	return n + replaced(job, pods)
}

// ShortMessage cuts a scheduler message to its first sentence, dropping the
// "preemption: ..." tail that repeats it.
func ShortMessage(msg string) string {
	if i := strings.Index(msg, " preemption:"); i > 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}
