package trial

import (
	"encoding/json"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// ReasonOOMKilled is the reason the kubelet gives a container that hit its memory limit.
const ReasonOOMKilled = "OOMKilled"

// ReasonLikelyOOMKilled is the reason of a Failed trial whose container was
// most likely killed at its memory limit although the runtime did not
// report OOMKilled: see likelyOOM for the rule.
const ReasonLikelyOOMKilled = "LikelyOOMKilled"

// ReasonProcessOOMKilled is the reason of a Succeeded trial one of whose
// processes the kernel OOM-killed (a child of a shell that went on): the
// kubelet reports OOMKilled for a container that exited 0.
const ReasonProcessOOMKilled = "ProcessOOMKilled"

// exitSIGKILL is the exit code of a container whose main process was
// killed by SIGKILL (128 + 9), the signal the kernel's OOM killer sends.
const exitSIGKILL = 137

// nearLimitShare is how close to its memory limit a trial's recorded peak
// must be for a SIGKILL to be taken for an OOM kill: metrics-server
// samples every 15 s or so, and a trainer reaches its limit between two
// samples (one batch, one allocation), so half the limit counts as near;
// a trial seen only below it was more likely killed by something else.
const nearLimitShare = 0.5

// memoryKill is a container termination that ran out of memory: reported
// OOMKilled by the runtime, or likely so (likelyOOM).
type memoryKill struct {
	pod    *corev1.Pod
	status *corev1.ContainerStateTerminated
	name   string
	// likely is set when the runtime did not report OOMKilled.
	likely bool
	// far is set on a likely kill ruled out by a recorded peak far from
	// the limit: it is not taken for out of memory.
	far bool
	// peakShare is the pod's recorded peak memory as a share of the
	// container's limit; negative when no peak was recorded.
	peakShare float64
}

// OutOfMemory reports whether the trial ran out of memory: OOMKilled, or
// Failed and LikelyOOMKilled, or Succeeded with a process OOM-killed.
// These are the trials `retry` gives more memory.
func (s *Status) OutOfMemory() bool {
	switch s.State {
	case OOMKilled:
		return true
	case Failed:
		return s.Reason == ReasonLikelyOOMKilled
	case Succeeded:
		return s.Reason == ReasonProcessOOMKilled
	}
	return false
}

// podKills returns the terminations recorded in pod's container statuses
// (current and last) that ran out of memory: reported OOMKilled, or likely
// so (likelyOOM), and the SIGKILLs likelyOOM ruled out only because the
// trial's recorded peak was far from the limit (marked far). job may be
// nil.
func podKills(job *batchv1.Job, pod *corev1.Pod) []*memoryKill {
	var out []*memoryKill
	for _, cs := range pod.Status.ContainerStatuses {
		for _, t := range []*corev1.ContainerStateTerminated{cs.State.Terminated, cs.LastTerminationState.Terminated} {
			switch {
			case t == nil:
			case t.Reason == ReasonOOMKilled:
				out = append(out, &memoryKill{pod: pod, status: t, name: cs.Name, peakShare: -1})
			default:
				if k, ok := likelyOOM(job, pod, cs.Name, t); k != nil {
					k.far = !ok
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// newestKill returns the newest kill among pods' that keep keeps.
func newestKill(job *batchv1.Job, pods []corev1.Pod, keep func(*memoryKill) bool) *memoryKill {
	var found *memoryKill
	for i := range pods {
		for _, k := range podKills(job, &pods[i]) {
			if keep(k) && (found == nil || k.status.FinishedAt.After(found.status.FinishedAt.Time)) {
				found = k
			}
		}
	}
	return found
}

// findOOM returns the newest container termination with reason OOMKilled.
func findOOM(pods []corev1.Pod) *memoryKill {
	return newestKill(nil, pods, func(k *memoryKill) bool { return !k.likely })
}

// findLikelyOOM returns the newest container termination of pods that
// likelyOOM takes for an OOM kill the runtime did not report, and the
// newest SIGKILL it did not take for one only because the trial's
// recorded peak was far from the limit (to say so).
func findLikelyOOM(job *batchv1.Job, pods []corev1.Pod) (likely, far *memoryKill) {
	likely = newestKill(job, pods, func(k *memoryKill) bool { return k.likely && !k.far })
	far = newestKill(job, pods, func(k *memoryKill) bool { return k.far })
	return likely, far
}

// likelyOOM decides whether termination t of container name in pod, which
// the runtime did not call OOMKilled, was most likely a kill at the
// container's memory limit all the same. The runtime (containerd, CRI-O)
// says OOMKilled only if it has seen the cgroup's OOM event when it
// reports the exit; when the exit comes first, the same kill reads Error
// with exit code 137 (a race real clusters have too). It is an OOM kill,
// likely, when all of these hold:
//
//   - exit code 137 (128 + SIGKILL, the OOM killer's signal), the runtime's
//     reason Error or none, and no other signal recorded;
//   - the container has a memory limit;
//   - it has no liveness or startup probe, whose failures the kubelet ends
//     with a kill;
//   - nothing else stopped the pod: it is not being deleted, it has no
//     reason of its own (Evicted, DeadlineExceeded, Shutdown, ...) and no
//     DisruptionTarget condition (preemption, eviction, taint, pod GC);
//   - the trial's Job did not fail on its activeDeadlineSeconds;
//   - when `top -w --record` or `report --watch --record` recorded the
//     pod's peak memory (keys.PeakUsage), that peak is at least
//     nearLimitShare of the limit. Without a record, the rest decides.
//
// It returns the kill and true when all hold; the kill and false when all
// but the last hold (the peak was far from the limit); nil otherwise.
func likelyOOM(job *batchv1.Job, pod *corev1.Pod, name string, t *corev1.ContainerStateTerminated) (*memoryKill, bool) {
	if t.ExitCode != exitSIGKILL || (t.Reason != "Error" && t.Reason != "") || (t.Signal != 0 && t.Signal != 9) {
		return nil, false
	}
	c := containerSpec(pod, name)
	if c == nil || memoryLimit(c) == "" || c.LivenessProbe != nil || c.StartupProbe != nil {
		return nil, false
	}
	if pod.DeletionTimestamp != nil || pod.Status.Reason != "" {
		return nil, false
	}
	if d := podCondition(pod, corev1.DisruptionTarget); d != nil && d.Status == corev1.ConditionTrue {
		return nil, false
	}
	if job != nil {
		if f := jobCondition(job, batchv1.JobFailed, batchv1.JobFailureTarget); f != nil && f.Reason == batchv1.JobReasonDeadlineExceeded {
			return nil, false
		}
	}
	k := &memoryKill{pod: pod, status: t, name: name, likely: true, peakShare: -1}
	if peak, ok := PeakMemory(job); ok {
		limit := c.Resources.Limits[corev1.ResourceMemory]
		k.peakShare = float64(peak) / float64(limit.Value())
		if k.peakShare < nearLimitShare {
			return k, false
		}
	}
	return k, true
}

// judgeKill turns a Failed trial into OOMKilled when the runtime reported
// an OOM kill among its pods, else gives it reason LikelyOOMKilled when
// likelyOOM holds for one, else notes a SIGKILL not taken for one.
func (s *Status) judgeKill(job *batchv1.Job, pods []corev1.Pod) {
	if k := findOOM(pods); k != nil {
		s.State, s.Reason = OOMKilled, ReasonOOMKilled
		s.applyOOM(k)
		return
	}
	likely, far := findLikelyOOM(job, pods)
	switch {
	case likely != nil:
		s.Reason = ReasonLikelyOOMKilled
		s.applyOOM(likely)
	case far != nil:
		s.noteFarKill(far)
	}
}

// PeakMemory returns the highest memory working set recorded for the
// trial's pod by `top -w --record` or `report --watch --record` (the
// memoryBytes of annotation keys.PeakUsage, which cpumem.Peak
// writes), and whether one was recorded. A nil job has none.
func PeakMemory(job *batchv1.Job) (int64, bool) {
	if job == nil {
		return 0, false
	}
	v, ok := job.Annotations[keys.PeakUsage]
	if !ok {
		return 0, false
	}
	var p struct {
		Memory *int64 `json:"memoryBytes"`
	}
	if err := json.Unmarshal([]byte(v), &p); err != nil || p.Memory == nil {
		return 0, false
	}
	return *p.Memory, true
}

// containerSpec returns the spec of pod's container name, nil if none.
func containerSpec(pod *corev1.Pod, name string) *corev1.Container {
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Name == name {
			return &pod.Spec.Containers[i]
		}
	}
	return nil
}

// memoryLimit returns the container's memory limit, "" if it has none.
func memoryLimit(c *corev1.Container) string {
	if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
		return q.String()
	}
	return ""
}

// applyOOM records the exit code, the container, the memory limit it hit
// and when; the message says whether the runtime reported it.
func (s *Status) applyOOM(k *memoryKill) {
	code := k.status.ExitCode
	s.ExitCode = &code
	s.Pod, s.Node, s.OOMContainer = k.pod.Name, k.pod.Spec.NodeName, k.name
	if c := containerSpec(k.pod, k.name); c != nil {
		s.MemoryLimit = memoryLimit(c)
	}
	s.Message = k.message()
	if !k.status.FinishedAt.IsZero() {
		t := k.status.FinishedAt.Time
		s.Finished = &t
	}
}

// reason is the trial reason that names the kill: OOMKilled as the
// runtime reported it, ProcessOOMKilled when the container still exited 0,
// LikelyOOMKilled when the runtime did not report it.
func (k *memoryKill) reason() string {
	switch {
	case k.likely:
		return ReasonLikelyOOMKilled
	case k.status.ExitCode == 0:
		return ReasonProcessOOMKilled
	}
	return ReasonOOMKilled
}

// message says what happened to the container, in the words status,
// describe, the report and events share.
func (k *memoryKill) message() string {
	limit := ""
	if c := containerSpec(k.pod, k.name); c != nil {
		limit = memoryLimit(c)
	}
	switch k.reason() {
	case ReasonProcessOOMKilled:
		msg := "a process of container " + k.name + " was OOM-killed"
		if limit != "" {
			msg += " at its limit of " + limit
		}
		return msg + "; the container still exited 0"
	case ReasonOOMKilled:
		msg := "container " + k.name + " exceeded its memory limit"
		if limit != "" {
			msg += " of " + limit
		}
		return msg
	}
	msg := fmt.Sprintf("container %s was killed (exit %d), most likely for exceeding its memory limit of %s: the runtime reported %s, not OOMKilled, as it does when the exit comes before the kernel's OOM event, and no deletion, eviction, deadline or probe explains the kill",
		k.name, k.status.ExitCode, limit, orNone(k.status.Reason))
	if k.peakShare >= 0 {
		return msg + fmt.Sprintf("; its memory was last recorded at %.0f%% of the limit", 100*k.peakShare)
	}
	return msg + "; no usage sample was recorded (top -w --record)"
}

// MemoryKill is one container termination that ran out of memory, as
// events lists them.
type MemoryKill struct {
	// Container names the container.
	Container string
	// Terminated is its termination, from the pod's status.
	Terminated *corev1.ContainerStateTerminated
	// Reason is ReasonOOMKilled, ReasonProcessOOMKilled (the container
	// still exited 0) or ReasonLikelyOOMKilled (the runtime did not report
	// it; see likelyOOM).
	Reason string
	// Message says what happened in the words of the trial's status.
	Message string
}

// MemoryKills returns every termination recorded in pod's container
// statuses (current and last) that ran out of memory: those the runtime
// reported OOMKilled, and those likelyOOM takes for an OOM kill. job, the
// trial's Job, may be nil when it is not known: the decision then rests on
// the pod alone (no deadline, no recorded peak).
func MemoryKills(job *batchv1.Job, pod *corev1.Pod) []MemoryKill {
	var out []MemoryKill
	for _, k := range podKills(job, pod) {
		if !k.far {
			out = append(out, MemoryKill{Container: k.name, Terminated: k.status, Reason: k.reason(), Message: k.message()})
		}
	}
	return out
}

// noteFarKill adds to a Failed trial's message why a SIGKILL with a
// memory limit was not taken for an OOM kill: its recorded peak memory
// was far from the limit.
func (s *Status) noteFarKill(k *memoryKill) {
	limit := ""
	if c := containerSpec(k.pod, k.name); c != nil {
		limit = memoryLimit(c)
	}
	note := fmt.Sprintf("container %s was killed (exit %d) but its memory was recorded at most at %.0f%% of its limit of %s, so it is not taken for out of memory",
		k.name, k.status.ExitCode, 100*k.peakShare, limit)
	if s.Message == "" {
		s.Message = note
		return
	}
	s.Message += "; " + note
}

// noteSurvivedOOM explains a trial that succeeded although the kernel
// OOM-killed one of its processes (a child of a shell that went on): the
// kubelet then reports OOMKilled for a container that exited 0.
func (s *Status) noteSurvivedOOM(pods []corev1.Pod) {
	k := findOOM(pods)
	if k == nil || k.status.ExitCode != 0 {
		return
	}
	s.Reason, s.OOMContainer, s.Message = k.reason(), k.name, k.message()
	code := k.status.ExitCode
	s.ExitCode = &code
	if c := containerSpec(k.pod, k.name); c != nil {
		s.MemoryLimit = memoryLimit(c)
	}
}

func orNone(s string) string {
	if s == "" {
		return "no reason"
	}
	return s
}
