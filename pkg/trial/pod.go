package trial

import (
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// ReasonOOMKilled is the reason the kubelet gives a container that hit its memory limit.
const ReasonOOMKilled = "OOMKilled"

// fromPod sets state, reason and times from the trial's current pod.
func (s *Status) fromPod(pod *corev1.Pod) {
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
		if oom := findOOM([]corev1.Pod{*pod}); oom != nil {
			s.State, s.Reason = OOMKilled, ReasonOOMKilled
			s.applyOOM(oom)
		}
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

// oomContainer is a container that was OOM-killed, with its spec.
type oomContainer struct {
	pod    *corev1.Pod
	status *corev1.ContainerStateTerminated
	name   string
}

// findOOM returns the newest container termination with reason OOMKilled.
func findOOM(pods []corev1.Pod) *oomContainer {
	var found *oomContainer
	for i := range pods {
		p := &pods[i]
		for _, cs := range p.Status.ContainerStatuses {
			for _, t := range []*corev1.ContainerStateTerminated{cs.State.Terminated, cs.LastTerminationState.Terminated} {
				if t == nil || t.Reason != ReasonOOMKilled {
					continue
				}
				if found == nil || t.FinishedAt.After(found.status.FinishedAt.Time) {
					found = &oomContainer{pod: p, status: t, name: cs.Name}
				}
			}
		}
	}
	return found
}

// applyOOM records the exit code, the container and the memory limit it hit.
func (s *Status) applyOOM(o *oomContainer) {
	code := o.status.ExitCode
	s.ExitCode = &code
	s.Pod, s.Node, s.OOMContainer = o.pod.Name, o.pod.Spec.NodeName, o.name
	for _, c := range o.pod.Spec.Containers {
		if c.Name != o.name {
			continue
		}
		if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
			s.MemoryLimit = q.String()
		}
	}
	msg := "container " + o.name + " exceeded its memory limit"
	if s.MemoryLimit != "" {
		msg += " of " + s.MemoryLimit
	}
	s.Message = msg
	if !o.status.FinishedAt.IsZero() {
		t := o.status.FinishedAt.Time
		s.Finished = &t
	}
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

// noteSurvivedOOM explains a trial that succeeded although the kernel
// OOM-killed one of its processes (a child of a shell that went on): the
// kubelet then reports OOMKilled for a container that exited 0.
func (s *Status) noteSurvivedOOM(pods []corev1.Pod) {
	oom := findOOM(pods)
	if oom == nil || oom.status.ExitCode != 0 {
		return
	}
	s.Reason = "ProcessOOMKilled"
	s.Message = "a process of container " + oom.name + " was OOM-killed"
	for _, c := range oom.pod.Spec.Containers {
		if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok && c.Name == oom.name {
			s.MemoryLimit = q.String()
			s.Message += " at its limit of " + s.MemoryLimit
		}
	}
	s.Message += "; the container still exited 0"
}
