package logstream

import (
	"io"
	"slices"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/kubectl/pkg/cmd/util/podcmd"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// DefaultContainerAnnotation names the container kubectl picks by default.
const DefaultContainerAnnotation = podcmd.DefaultContainerAnnotationName

// Target is one container whose log is streamed.
type Target struct {
	Trial     string        // trial (Job) name
	Index     int           // the trial's position in the experiment
	Params    params.Params // the trial's parameters
	Namespace string
	Pod       string
	UID       types.UID // the pod's UID: a re-created pod is a new target
	Container string
	// Labelled says the prefix names the container too, because more than
	// one container of the pod is shown.
	Labelled bool
}

// Key identifies the target across views of the cluster.
func (t *Target) Key() string {
	return t.Namespace + "/" + t.Pod + "/" + string(t.UID) + "/" + t.Container
}

// Filter chooses the trials, pods and containers whose logs are shown.
type Filter struct {
	// Trials are the trial names to show; empty means every trial.
	Trials []string
	// Selector keeps the trials whose parameters match; empty keeps all.
	Selector params.Selector
	// Labels keeps the trials whose Jobs' labels match (-l, as in
	// kubectl); nil keeps all. Pods need not carry their Job's labels.
	Labels k8slabels.Selector
	// NewestPodOnly shows only the newest pod of a trial the Job retried.
	NewestPodOnly bool
	// Container names the container to show; empty means the pod's default
	// container (kubectl's annotation, else the first one).
	Container string
	// AllContainers shows every container, init containers first.
	AllContainers bool
	// Previous shows the previous, terminated instance of each container:
	// only containers that restarted have one.
	Previous bool
}

// Selection is what a Filter picks from one view of an experiment.
type Selection struct {
	// Trials are the chosen trials in trial order.
	Trials []trial.Status
	// Targets are the chosen containers that have a log, in trial, pod
	// (oldest first) and container order.
	Targets []Target
	// Pods counts the chosen trials' pods.
	Pods int
	// Missing are names in Filter.Trials that name no trial.
	Missing []string
	// Err says Filter.Selector names a parameter no trial has.
	Err error
	// Settled says every chosen trial has finished and every chosen pod
	// is done too, so no new log line can appear.
	Settled bool
}

// Select applies the filter to the experiment's Jobs and pods.
func (f *Filter) Select(jobs []batchv1.Job, pods []corev1.Pod) Selection {
	var sel Selection
	if f.Labels != nil && !f.Labels.Empty() {
		var kept []batchv1.Job
		for _, j := range jobs {
			if f.Labels.Matches(k8slabels.Set(j.Labels)) {
				kept = append(kept, j)
			}
		}
		jobs = kept
	}
	tf := trial.Filter{Names: f.Trials, Params: f.Selector}
	kept, missing, err := tf.Apply(trial.FromJobs(jobs, pods))
	sel.Missing, sel.Err = missing, err
	byJob := trial.PodsByJob(pods)
	sel.Settled = true
	for _, st := range kept {
		sel.Trials = append(sel.Trials, st)
		if !st.State.Finished() {
			sel.Settled = false
		}
		ps := sortedPods(byJob[st.Namespace+"/"+st.Name])
		if f.NewestPodOnly && len(ps) > 1 {
			ps = ps[len(ps)-1:]
		}
		sel.Pods += len(ps)
		for _, p := range ps {
			if !podDone(p) {
				sel.Settled = false
			}
			sel.Targets = append(sel.Targets, f.targets(&st, p)...)
		}
	}
	return sel
}

// targets returns the chosen containers of pod p that have a log.
func (f *Filter) targets(st *trial.Status, p *corev1.Pod) []Target {
	var names []string
	var init []bool
	switch {
	case f.AllContainers:
		for _, c := range p.Spec.InitContainers {
			names, init = append(names, c.Name), append(init, true)
		}
		for _, c := range p.Spec.Containers {
			names, init = append(names, c.Name), append(init, false)
		}
	case f.Container != "":
		names, init = []string{f.Container}, []bool{isInit(p, f.Container)}
	default:
		if c := DefaultContainer(p); c != "" {
			names, init = []string{c}, []bool{false}
		}
	}
	var out []Target
	for i, name := range names {
		if !hasLog(p, name, init[i], f.Previous) {
			continue
		}
		out = append(out, Target{
			Trial: st.Name, Index: st.Index, Params: st.Params,
			Namespace: p.Namespace, Pod: p.Name, UID: p.UID, Container: name,
			Labelled: len(names) > 1,
		})
	}
	return out
}

// sortedPods returns pointers to pods, oldest first.
func sortedPods(pods []corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, len(pods))
	for i := range pods {
		out[i] = &pods[i]
	}
	slices.SortStableFunc(out, func(a, b *corev1.Pod) int {
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// podDone reports whether pod p can write no more log lines: it succeeded or
// failed, or it is being deleted before it ever ran.
func podDone(p *corev1.Pod) bool {
	switch p.Status.Phase {
	case corev1.PodSucceeded, corev1.PodFailed:
		return true
	case corev1.PodPending, "":
		return p.DeletionTimestamp != nil
	}
	return false
}

// DefaultContainer returns the container whose log kubectl reads when none
// is named: the one the kubectl.kubernetes.io/default-container annotation
// names, else the first (kubectl's podcmd); "" for a pod without containers.
func DefaultContainer(p *corev1.Pod) string {
	c, err := podcmd.FindOrDefaultContainerByName(p, "", true, io.Discard)
	if err != nil {
		// The annotation names no container of the pod: kubectl refuses;
		// an experiment's log reader takes the first instead.
		if len(p.Spec.Containers) == 0 {
			return ""
		}
		return p.Spec.Containers[0].Name
	}
	return c.Name
}

func isInit(p *corev1.Pod, name string) bool {
	for _, c := range p.Spec.InitContainers {
		if c.Name == name {
			return true
		}
	}
	return false
}

// containerStatus returns the status of the named container of p, or nil.
func containerStatus(p *corev1.Pod, name string, init bool) *corev1.ContainerStatus {
	list := p.Status.ContainerStatuses
	if init {
		list = p.Status.InitContainerStatuses
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

// hasLog reports whether the container has started, so that the kubelet has
// a log for it (a container still being created has none), or with previous
// whether it has a terminated previous instance.
func hasLog(p *corev1.Pod, name string, init, previous bool) bool {
	cs := containerStatus(p, name, init)
	if cs == nil {
		return false
	}
	if previous {
		return cs.LastTerminationState.Terminated != nil || cs.RestartCount > 0
	}
	return cs.State.Running != nil || cs.State.Terminated != nil || cs.RestartCount > 0
}

// containerRunning reports whether the container may still write lines:
// it runs, or waits to be restarted.
func containerRunning(p *corev1.Pod, name string) bool {
	if podDone(p) {
		return false
	}
	cs := containerStatus(p, name, isInit(p, name))
	if cs == nil {
		return true
	}
	return cs.State.Terminated == nil
}
