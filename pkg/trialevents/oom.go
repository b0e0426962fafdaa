package trialevents

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// PodStatusSource is the source of the events read from pod status rather
// than from the events API.
const PodStatusSource = "pod status"

// OOMEvents returns one event per container termination of pod that ran
// out of memory (trial.MemoryKills: OOMKilled, ProcessOOMKilled,
// LikelyOOMKilled), in the words of the trial's status. The kubelet
// records no event when a container hits its memory limit (only
// node-problem-detector does, on the Node), so without these an OOM kill
// would be missing from the experiment's events. job, the pod's trial's
// Job, may be nil when it is not known.
func OOMEvents(job *batchv1.Job, pod *corev1.Pod) []eventagg.Event {
	var out []eventagg.Event
	for _, k := range trial.MemoryKills(job, pod) {
		t := k.Terminated
		at := t.FinishedAt.Time
		if at.IsZero() {
			at = t.StartedAt.Time
		}
		msg := capitalize(k.Message)
		if k.Reason == trial.ReasonOOMKilled {
			msg += " and was killed (exit code " + strconv.Itoa(int(t.ExitCode)) + ")"
		}
		out = append(out, eventagg.Event{
			ID:      "oom/" + pod.Namespace + "/" + pod.Name + "/" + k.Container + "/" + strconv.FormatInt(at.UnixNano(), 10),
			Type:    corev1.EventTypeWarning,
			Reason:  k.Reason,
			Object:  eventagg.Object{Kind: "Pod", Name: pod.Name},
			Message: msg + "; from the pod's status, the kubelet records no event for it",
			Count:   1,
			First:   at,
			Last:    at,
			Source:  PodStatusSource,
		})
	}
	return out
}

// capitalize starts a status message as a sentence of an event.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
