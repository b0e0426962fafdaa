package status

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

var now = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func trialJob(name string, index, paramsJSON string) *batchv1.Job {
	return kubefake.Job("ml", "mnist", name, kubefake.Created(now.Add(-5*time.Minute)),
		kubefake.Annotations(map[string]string{keys.Index: index, keys.Params: paramsJSON}))
}

func trialPod(job, name string, mutate func(*corev1.Pod)) *corev1.Pod {
	p := kubefake.Pod("ml", "mnist", job, name, kubefake.Created(now.Add(-4*time.Minute)))
	mutate(p)
	return p
}

func TestStatusTable(t *testing.T) {
	start := metav1.NewTime(now.Add(-3 * time.Minute))
	c := fake.NewClientset(
		trialJob("mnist-aaaa", "0", `{"activation":"softmax","dropout":0.2}`),
		trialJob("mnist-bbbb", "1", `{"activation":"relu","dropout":0.3}`),
		trialPod("mnist-aaaa", "mnist-aaaa-x1", func(p *corev1.Pod) {
			p.Spec.NodeName = "node1"
			p.Status.Phase = corev1.PodRunning
			p.Status.StartTime = &start
		}),
		trialPod("mnist-bbbb", "mnist-bbbb-y2", func(p *corev1.Pod) {
			p.Status.Phase = corev1.PodPending
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable",
				Message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."}}
		}),
	)
	var out, errOut bytes.Buffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: &kubefake.Getter{NS: "ml", Client: c}, Now: func() time.Time { return now }}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"TRIAL        ACTIVATION   DROPOUT   STATE     REASON                                                        RESTARTS   NODE     AGE   DURATION",
		"mnist-aaaa   softmax      0.2       Running   -                                                             0          node1    5m    3m",
		"mnist-bbbb   relu         0.3       Pending   Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.   0          <none>   5m    -",
		"2 trials: 1 running, 1 pending",
		"",
	}, "\n")
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("status table (-want +got):\n%s", diff)
	}
}

func TestStatusUnknownExperiment(t *testing.T) {
	var out, errOut bytes.Buffer
	cmd := NewCmdStatus(&kubefake.Getter{NS: "ml", Client: fake.NewClientset()}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"nope"})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), `experiment "nope" not found in namespace "ml"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestStatusRejectsBadOutput(t *testing.T) {
	var out, errOut bytes.Buffer
	cmd := NewCmdStatus(&kubefake.Getter{NS: "ml", Client: fake.NewClientset()}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"mnist", "-o", "xml"})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "--output") {
		t.Fatalf("err = %v, want an error naming --output", err)
	}
}

// TestStatusCallsAreConstant checks that status costs one List of Jobs and
// one of pods however many trials the experiment has.
func TestStatusCallsAreConstant(t *testing.T) {
	for _, n := range []int{1, 24, 300} {
		c := fake.NewClientset()
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("mnist-%04d", i)
			if err := c.Tracker().Add(trialJob(name, fmt.Sprint(i), `{"i":1}`)); err != nil {
				t.Fatal(err)
			}
			if err := c.Tracker().Add(trialPod(name, name+"-x", func(p *corev1.Pod) { p.Status.Phase = corev1.PodPending })); err != nil {
				t.Fatal(err)
			}
		}
		var out, errOut bytes.Buffer
		o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: &kubefake.Getter{NS: "ml", Client: c}, Now: func() time.Time { return now }}
		if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
			t.Fatal(err)
		}
		if err := o.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var verbs []string
		for _, a := range c.Actions() {
			verbs = append(verbs, a.GetVerb()+" "+a.GetResource().Resource)
		}
		sort.Strings(verbs)
		if got := strings.Join(verbs, ","); got != "list jobs,list pods" {
			t.Errorf("%d trials: API calls = %s, want one list of jobs and one of pods", n, got)
		}
		if !strings.Contains(out.String(), fmt.Sprintf("%d trial", n)) {
			t.Errorf("%d trials: summary missing:\n%s", n, out.String())
		}
	}
}

// TestStatusTellsHowMemoryRanOut: an OOM kill the runtime did not report
// (Error, exit 137, at a memory limit) and a process OOM-killed in a
// container that exited 0 read as such in the table and the summary.
func TestStatusTellsHowMemoryRanOut(t *testing.T) {
	c := fake.NewClientset(kubefake.Experiment("ml", "oom",
		kubefake.Trial{Name: "oom-aaaaaaaa", Index: 0, Params: `{"run":"hog"}`, State: "Killed", Memory: "32Mi"},
		kubefake.Trial{Name: "oom-bbbbbbbb", Index: 1, Params: `{"run":"sh"}`, State: "ProcessOOMKilled", Memory: "32Mi"},
		kubefake.Trial{Name: "oom-cccccccc", Index: 2, Params: `{"run":"ok"}`, State: "Succeeded", Memory: "32Mi"},
	)...)
	var out, errOut bytes.Buffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: &kubefake.Getter{NS: "ml", Client: c},
		Now: func() time.Time { return kubefake.T0.Add(time.Hour) }}
	if err := o.Complete(o.Getter, nil, []string{"oom"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"TRIAL          RUN   STATE       REASON                                                                                   RESTARTS   NODE    AGE   DURATION",
		"oom-aaaaaaaa   hog   Failed      Killed (exit 137) — likely out of memory at 32Mi; the runtime did not report OOMKilled   0          node1   60m   59s",
		"oom-bbbbbbbb   sh    Succeeded   ProcessOOMKilled at limit 32Mi (exit 0)                                                  0          node1   60m   59s",
		"oom-cccccccc   ok    Succeeded   -                                                                                        0          node1   60m   59s",
		"3 trials: 2 succeeded (1 with a process OOM-killed), 1 failed (likely out of memory)",
		"",
	}, "\n")
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("status table (-want +got):\n%s", diff)
	}
}
