package trialevents

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

const (
	t1 = "mnist-00000001"
	t2 = "mnist-00000002"
)

func TestMembers(t *testing.T) {
	const long = "mnist-00000001aaaaaaaa"
	jobs := []batchv1.Job{*kubefake.Job("ns", "mnist", t1), *kubefake.Job("ns", "mnist", long)}
	pods := []corev1.Pod{*kubefake.Pod("ns", "mnist", t1, "renamed-pod")}
	tests := []struct {
		kind, name string
		follow     bool
		only       string
		want       string
		ok         bool
	}{
		{kind: "Job", name: t1, want: t1, ok: true},
		{kind: "Pod", name: "renamed-pod", want: t1, ok: true},
		{kind: "Pod", name: t1 + "-x7k2p", want: t1, ok: true},
		{kind: "Pod", name: t1 + "-3-x7k2p", want: t1, ok: true},
		{kind: "Pod", name: long + "-x7k2p", want: long, ok: true},
		{kind: "Pod", name: t1 + "-x7k2", ok: false},
		{kind: "Pod", name: t1 + "-x7k2p-extra", ok: false},
		{kind: "Pod", name: t1, ok: false},
		{kind: "Job", name: t2, ok: false},
		{kind: "Job", name: t2, follow: true, want: t2, ok: true},
		{kind: "Pod", name: t2 + "-x7k2p", follow: true, want: t2, ok: true},
		{kind: "Job", name: "mnist-0000000g", follow: true, ok: false},
		{kind: "Job", name: "other-00000001", follow: true, ok: false},
		{kind: "ConfigMap", name: t1, ok: false},
		{kind: "Workload", name: "job-" + t1 + "-1a2b3", want: t1, ok: true},
		{kind: "Workload", name: "job-" + t2 + "-1a2b3", ok: false},
		{kind: "Workload", name: "job-" + t2 + "-1a2b3", follow: true, want: t2, ok: true},
		{kind: "Workload", name: "job-" + t1 + "-1a2b", ok: false},
		{kind: "Workload", name: t1 + "-1a2b3", ok: false},
		{kind: "Pod", name: t1 + "-x7k2p", only: t1, want: t1, ok: true},
		{kind: "Job", name: long, only: t1, ok: false},
	}
	for _, tc := range tests {
		m := NewMembers("mnist", jobs, pods)
		m.Follow, m.Only = tc.follow, tc.only
		got, ok := m.trialOf(eventagg.Object{Kind: tc.kind, Name: tc.name})
		if got != tc.want || ok != tc.ok {
			t.Errorf("trialOf(%s/%s, follow=%v, only=%q) = %q, %v; want %q, %v", tc.kind, tc.name, tc.follow, tc.only, got, ok, tc.want, tc.ok)
		}
	}
}
