//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Smoke tests of the dev cluster's own features: KWOK's simulated nodes, Kueue admission.
// The disruptive ones (fault hooks, recovery) are in devcluster_faults_test.go.

// podOf returns the one pod of a Job (by its job-name label), or nil.
func podOf(ctx context.Context, ns, job string) *corev1.Pod {
	pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + job})
	if err != nil || len(pods.Items) == 0 {
		return nil
	}
	return &pods.Items[0]
}

// terminated describes a pod's first container's end, or "" while it has none.
func terminated(p *corev1.Pod) string {
	if p == nil || len(p.Status.ContainerStatuses) == 0 || p.Status.ContainerStatuses[0].State.Terminated == nil {
		return ""
	}
	term := p.Status.ContainerStatuses[0].State.Terminated
	return fmt.Sprintf("%s %s %d", p.Status.Phase, term.Reason, term.ExitCode)
}

func describePod(p *corev1.Pod) string {
	if p == nil {
		return "no pod"
	}
	return fmt.Sprintf("pod %s on %q phase %s containers %+v", p.Name, p.Spec.NodeName, p.Status.Phase, p.Status.ContainerStatuses)
}

// TestDevClusterKwok: Jobs that tolerate the fake nodes' taint land there and end as their
// labels say (Succeeded; OOMKilled exit 137; Error exit 1), their logs read like a trainer's,
// and a running fake pod has metrics.
func TestDevClusterKwok(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "kwok")
	ctx := context.Background()
	cases := map[string]struct {
		outcome string
		want    string
	}{
		"ok":   {"", "Succeeded Completed 0"},
		"oom":  {"oomkilled", "Failed OOMKilled 137"},
		"fail": {"failed", "Failed Error 1"},
	}
	for name, c := range cases {
		job := toolboxJob(name, "exit 3") // never runs: KWOK decides the outcome
		OnFakeNodes(&job.Spec.Template.Spec)
		if c.outcome != "" {
			job.Spec.Template.Labels[SimOutcomeLabel] = c.outcome
		}
		if _, err := client.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	busy := toolboxJob("busy", "exit 3")
	OnFakeNodes(&busy.Spec.Template.Spec)
	busy.Spec.Template.Annotations[SimDurationAnnotation] = "3m"
	busy.Spec.Template.Annotations["kwok.x-k8s.io/usage-cpu"] = "250m"
	busy.Spec.Template.Annotations["kwok.x-k8s.io/usage-memory"] = "300Mi"
	if _, err := client.BatchV1().Jobs(ns).Create(ctx, busy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	for name, c := range cases {
		WaitFor(t, 2*time.Minute, name+" to end "+c.want+" on a fake node", func() (bool, string) {
			p := podOf(ctx, ns, name)
			return p != nil && strings.HasPrefix(p.Spec.NodeName, "kwok-node-") && terminated(p) == c.want, describePod(p)
		})
	}
	WaitFor(t, time.Minute, "Job ok Complete", func() (bool, string) {
		j, err := client.BatchV1().Jobs(ns).Get(ctx, "ok", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		for _, cond := range j.Status.Conditions {
			if cond.Type == batchv1.JobComplete && cond.Status == corev1.ConditionTrue {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", j.Status)
	})
	pod := podOf(ctx, ns, "ok")
	r := Kubectl(t, ns, "logs", pod.Name)
	if r.Err != nil || !strings.Contains(r.Stdout, "Test accuracy: 0.9") || !strings.Contains(r.Stdout, "Epoch 3/3") {
		t.Errorf("kubectl logs of a fake pod: want a trainer's lines with Test accuracy; got %s", r)
	}

	WaitFor(t, 2*time.Minute, "metrics of the running fake pod", func() (bool, string) {
		p := podOf(ctx, ns, "busy")
		if p == nil {
			return false, "no pod"
		}
		r := Kubectl(t, ns, "top", "pod", p.Name, "--no-headers")
		f := strings.Fields(r.Stdout)
		return r.Err == nil && len(f) >= 3 && f[1] == "250m" && f[2] == "300Mi", r.String()
	})
	for _, n := range []string{"kwok-node-0"} {
		node, err := client.CoreV1().Nodes().Get(ctx, n, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := node.Status.Allocatable.Cpu().String(); got != "32" {
			t.Errorf("%s allocatable cpu = %s, want 32", n, got)
		}
	}
	// The real node is not KWOK's: nothing that does not tolerate the taint lands on a fake node.
	plain := toolboxJob("plain", "echo real")
	if _, err := client.BatchV1().Jobs(ns).Create(ctx, plain, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	WaitFor(t, 3*time.Minute, "an ordinary Job to run on the real node", func() (bool, string) {
		p := podOf(ctx, ns, "plain")
		return p != nil && p.Spec.NodeName == "mlexp-dev" && terminated(p) == "Succeeded Completed 0", describePod(p)
	})
}

// workloadOf returns the Workload Kueue made for a Job (by its owner), or nil.
func workloadOf(ctx context.Context, t testing.TB, ns, job string) *unstructured.Unstructured {
	list, err := dynamicClient(t).Resource(WorkloadGVR).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil
	}
	for i := range list.Items {
		for _, o := range list.Items[i].GetOwnerReferences() {
			if o.Kind == "Job" && o.Name == job {
				return &list.Items[i]
			}
		}
	}
	return nil
}

// condition returns status, reason and message of a Workload condition.
func condition(wl *unstructured.Unstructured, typ string) (status, reason, message string) {
	if wl == nil {
		return "", "", ""
	}
	conds, _, _ := unstructured.NestedSlice(wl.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			return fmt.Sprint(m["status"]), fmt.Sprint(m["reason"]), fmt.Sprint(m["message"])
		}
	}
	return "", "", ""
}

// TestDevClusterKueue: with a ClusterQueue of 1 CPU, a suspended Job labelled with its
// LocalQueue gets a Workload, is admitted, unsuspended, runs and succeeds; a second one that
// does not fit beside it stays suspended with a Workload condition saying why, and runs once
// the first is done.
func TestDevClusterKueue(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "kueue")
	ctx := context.Background()
	queue := NewKueueQueue(t, ns, "1", "1Gi")
	for _, name := range []string{"first", "second"} {
		job := toolboxJob(name, "sleep 20; echo done")
		job.Labels = map[string]string{KueueQueueLabel: queue}
		job.Spec.Suspend = ptrTo(true)
		job.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("600m")
		if _, err := client.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if name == "first" {
			WaitFor(t, time.Minute, "first's Workload admitted", func() (bool, string) {
				wl := workloadOf(ctx, t, ns, "first")
				s, r, m := condition(wl, "Admitted")
				return s == "True", fmt.Sprintf("Admitted=%s %s %s; workload %v", s, r, m, wl != nil)
			})
		}
	}
	WaitFor(t, time.Minute, "second queued for quota", func() (bool, string) {
		wl := workloadOf(ctx, t, ns, "second")
		s, r, m := condition(wl, "QuotaReserved")
		j, err := client.BatchV1().Jobs(ns).Get(ctx, "second", metav1.GetOptions{})
		suspended := err == nil && j.Spec.Suspend != nil && *j.Spec.Suspend
		return s == "False" && strings.Contains(m, "quota") && suspended,
			fmt.Sprintf("QuotaReserved=%s reason=%s message=%q suspended=%v", s, r, m, suspended)
	})
	for _, name := range []string{"first", "second"} {
		WaitFor(t, 4*time.Minute, name+" to run and succeed", func() (bool, string) {
			p := podOf(ctx, ns, name)
			return terminated(p) == "Succeeded Completed 0", describePod(p)
		})
	}
	WaitFor(t, time.Minute, "second's Workload Finished", func() (bool, string) {
		s, r, m := condition(workloadOf(ctx, t, ns, "second"), "Finished")
		return s == "True", fmt.Sprintf("Finished=%s %s %s", s, r, m)
	})
}
