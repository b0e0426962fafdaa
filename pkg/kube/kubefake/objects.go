package kubefake

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// Job returns a bare Job of trial name of experiment exp in namespace ns:
// its name and the experiment's labels, then what opts set. Tests set what
// else they need on it; Experiment builds whole trials.
func Job(ns, exp, name string, opts ...Option) *batchv1.Job {
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
		Labels: map[string]string{keys.Experiment: exp, keys.Trial: name}}}
	apply(j, opts)
	return j
}

// Pod returns a bare pod named name of trial trialName of experiment exp
// in namespace ns, with the experiment's labels, then what opts set.
func Pod(ns, exp, trialName, name string, opts ...Option) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
		Labels: map[string]string{keys.Experiment: exp, keys.Trial: trialName}}}
	apply(p, opts)
	return p
}

// Option sets one thing on a Job or a pod that Job or Pod builds; a nil
// Option sets nothing. The Job-only options (Conditions, Complete, Failed)
// and the pod-only ones (Phase, Node) panic on the other kind.
type Option func(obj metav1.Object)

func apply(obj metav1.Object, opts []Option) {
	for _, o := range opts {
		if o != nil {
			o(obj)
		}
	}
}

// Created sets the creation time.
func Created(t time.Time) Option {
	return func(obj metav1.Object) { obj.SetCreationTimestamp(metav1.NewTime(t)) }
}

// UID sets the UID to "uid-" and the object's name.
func UID() Option {
	return func(obj metav1.Object) { obj.SetUID(types.UID("uid-" + obj.GetName())) }
}

// Index sets the trial's index annotation.
func Index(i int) Option { return Annotations(map[string]string{keys.Index: fmt.Sprint(i)}) }

// Params sets the trial's params annotation, a JSON object.
func Params(json string) Option { return Annotations(map[string]string{keys.Params: json}) }

// Annotations adds annotations.
func Annotations(ann map[string]string) Option {
	return func(obj metav1.Object) { obj.SetAnnotations(merged(obj.GetAnnotations(), ann, false)) }
}

// Labels sets labels, over the experiment's; an empty value removes one.
func Labels(labels map[string]string) Option {
	return func(obj metav1.Object) { obj.SetLabels(merged(obj.GetLabels(), labels, true)) }
}

// merged returns m (made if nil) with add set over it; with drop an empty
// value removes its key instead.
func merged(m, add map[string]string, drop bool) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	for k, v := range add {
		if drop && v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

// Conditions appends conditions to a Job's status.
func Conditions(conds ...batchv1.JobCondition) Option {
	return func(obj metav1.Object) {
		j, ok := obj.(*batchv1.Job)
		if !ok {
			panic(fmt.Sprintf("kubefake: job conditions on %T", obj))
		}
		j.Status.Conditions = append(j.Status.Conditions, conds...)
	}
}

// Complete marks a Job complete (condition Complete True).
func Complete() Option {
	return Conditions(batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue})
}

// Failed marks a Job failed (condition Failed True) for reason.
func Failed(reason string) Option {
	return Conditions(batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: reason})
}

// Containers sets the containers of a pod, or of a Job's pod template.
func Containers(cs ...corev1.Container) Option {
	return func(obj metav1.Object) {
		switch o := obj.(type) {
		case *batchv1.Job:
			o.Spec.Template.Spec.Containers = cs
		case *corev1.Pod:
			o.Spec.Containers = cs
		}
	}
}

// Node sets the node a pod runs on.
func Node(name string) Option {
	return func(obj metav1.Object) { podOf(obj).Spec.NodeName = name }
}

// Phase sets a pod's phase and the state of its container "ml": running
// when Running, terminated with message (exit code 1 when Failed, else 0)
// when Succeeded or Failed, no state otherwise.
func Phase(phase corev1.PodPhase, message string) Option {
	return func(obj metav1.Object) {
		p := podOf(obj)
		p.Status.Phase = phase
		cs := corev1.ContainerStatus{Name: "ml"}
		switch phase {
		case corev1.PodRunning:
			cs.State.Running = &corev1.ContainerStateRunning{}
		case corev1.PodSucceeded, corev1.PodFailed:
			code := int32(0)
			if phase == corev1.PodFailed {
				code = 1
			}
			cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: code, Message: message}
		}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
	}
}

func podOf(obj metav1.Object) *corev1.Pod {
	p, ok := obj.(*corev1.Pod)
	if !ok {
		panic(fmt.Sprintf("kubefake: pod option on %T", obj))
	}
	return p
}
