package events

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// PodStatusSource is the source of the events read from pod status rather
// than from the events API.
const PodStatusSource = "pod status"

// oomEvents returns one event per OOM kill recorded in pod's container
// statuses. The kubelet records no event when a container hits its
// memory limit (only node-problem-detector does, on the Node), so without
// these an OOM kill would be missing from the experiment's events.
func oomEvents(pod *corev1.Pod) []eventagg.Event {
	var out []eventagg.Event
	for _, cs := range pod.Status.ContainerStatuses {
		for _, t := range []*corev1.ContainerStateTerminated{cs.State.Terminated, cs.LastTerminationState.Terminated} {
			if t == nil || t.Reason != trial.ReasonOOMKilled {
				continue
			}
			at := t.FinishedAt.Time
			if at.IsZero() {
				at = t.StartedAt.Time
			}
			out = append(out, eventagg.Event{
				ID:      "oom/" + pod.Namespace + "/" + pod.Name + "/" + cs.Name + "/" + strconv.FormatInt(at.UnixNano(), 10),
				Type:    corev1.EventTypeWarning,
				Reason:  trial.ReasonOOMKilled,
				Object:  eventagg.Object{Kind: "Pod", Name: pod.Name},
				Message: oomMessage(pod, cs.Name, t.ExitCode),
				Count:   1,
				First:   at,
				Last:    at,
				Source:  PodStatusSource,
			})
		}
	}
	return out
}

func oomMessage(pod *corev1.Pod, container string, exit int32) string {
	limit := ""
	for _, c := range pod.Spec.Containers {
		if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok && c.Name == container {
			limit = " of " + q.String()
		}
	}
	return fmt.Sprintf("Container %s exceeded its memory limit%s and was killed (exit code %d); from the pod's status, the kubelet records no event for it", container, limit, exit)
}
