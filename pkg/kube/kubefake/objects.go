package kubefake

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// Job returns a bare Job of trial name of experiment exp in namespace ns:
// its name and the experiment's labels, nothing else. Tests set what they
// need on it; Experiment builds whole trials.
func Job(ns, exp, name string) *batchv1.Job {
	return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
		Labels: map[string]string{keys.Experiment: exp, keys.Trial: name}}}
}

// Pod returns a bare pod named name of trial trialName of experiment exp
// in namespace ns, with the experiment's labels.
func Pod(ns, exp, trialName, name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
		Labels: map[string]string{keys.Experiment: exp, keys.Trial: trialName}}}
}
