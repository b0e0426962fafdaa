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
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

const noQuota = "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default, 500m more needed"

// queuedTrialJob is a trial Job submitted to LocalQueue team-a.
func queuedTrialJob(name, index string, suspended bool) *batchv1.Job {
	j := trialJob(name, index, `{"lr":0.`+index+`}`)
	j.UID = types.UID("uid-" + name)
	j.Labels[keys.KueueQueueName] = "team-a"
	j.Spec.Suspend = &suspended
	return j
}

// kueueCluster returns a getter whose cluster serves Kueue's v1beta2 API.
func kueueCluster(kubeObjs []runtime.Object, wls ...runtime.Object) (*kubefake.Getter, *fake.Clientset, *dynamicfake.FakeDynamicClient) {
	c := fake.NewClientset(kubeObjs...)
	kueuefake.Serve(c, "v1beta2")
	dyn := kueuefake.NewDynamic(wls...)
	return &kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}, c, dyn
}

func runQueued(t testing.TB, g *kubefake.Getter, output string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: g, Print: common.PrintFlags{Output: output, Tables: []string{"wide"}, NameKind: "job.batch"}, Now: func() time.Time { return now }}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestStatusQueued(t *testing.T) {
	start := now.Add(-2 * time.Minute)
	a, b, c := queuedTrialJob("mnist-aaaa", "1", false), queuedTrialJob("mnist-bbbb", "2", true), queuedTrialJob("mnist-cccc", "3", true)
	running := trialPod("mnist-aaaa", "mnist-aaaa-x1", func(p *corev1.Pod) {
		p.Spec.NodeName, p.Status.Phase = "node1", corev1.PodRunning
		p.Status.StartTime = ptrTime(start)
	})
	g, _, _ := kueueCluster([]runtime.Object{a, b, c, running},
		kueuefake.Workload("v1beta2", a, kueuefake.Admitted("cq")),
		kueuefake.Workload("v1beta2", b, kueuefake.Pending(noQuota)),
		kueuefake.Workload("v1beta2", c, kueuefake.Pending(noQuota)))
	want := strings.Join([]string{
		"TRIAL        LR    STATE     QUEUE            REASON                                                                           RESTARTS   NODE     AGE   DURATION",
		"mnist-aaaa   0.1   Running   team-a           Admitted                                                                         0          node1    5m    2m",
		"mnist-bbbb   0.2   Queued    team-a #1 of 2   Pending: insufficient unused quota for cpu in flavor default, 500m more needed   0          <none>   5m    -",
		"mnist-cccc   0.3   Queued    team-a #2 of 2   Pending: insufficient unused quota for cpu in flavor default, 500m more needed   0          <none>   5m    -",
		"3 trials: 1 running, 2 queued",
		"",
	}, "\n")
	if diff := cmp.Diff(want, runQueued(t, g, "")); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	wide := runQueued(t, g, "wide")
	if !strings.Contains(wide, "Pending: "+noQuota) || !strings.Contains(wide, "Admitted: admitted by ClusterQueue cq") {
		t.Errorf("status -o wide lacks Kueue's whole messages:\n%s", wide)
	}
	js := runQueued(t, g, "json")
	for _, s := range []string{`"queued": 2`, `"position": 2`, `"workload": "job-mnist-cccc-1a2b3"`, `"clusterQueue": "cq"`} {
		if !strings.Contains(js, s) {
			t.Errorf("status -o json lacks %s:\n%s", s, js)
		}
	}
}

func TestStatusQueuedWithoutKueue(t *testing.T) {
	j := queuedTrialJob("mnist-aaaa", "1", true)
	g := &kubefake.Getter{NS: "ml", Client: fake.NewClientset(j)}
	out := runQueued(t, g, "")
	if !strings.Contains(out, "Queued   team-a   NoWorkload: Kueue is not installed in this cluster") {
		t.Errorf("status without Kueue:\n%s", out)
	}
}

// TestStatusQueuedCallsAreConstant: status of an experiment in a queue
// costs one List each of Jobs, pods and Workloads, plus one discovery GET,
// however many trials wait.
func TestStatusQueuedCallsAreConstant(t *testing.T) {
	for _, n := range []int{1, 100, 1000} {
		g, c, dyn := queuedExperiment(t, n)
		out := runQueued(t, g, "")
		if !strings.Contains(out, fmt.Sprintf("%d trials: %d queued", n, n)) && !(n == 1 && strings.Contains(out, "1 trial: 1 queued")) {
			t.Fatalf("%d trials: summary missing:\n%s", n, out[max(0, len(out)-200):])
		}
		if got, want := calls(c, dyn), "get resource,list jobs,list pods,list workloads"; got != want {
			t.Errorf("%d trials: API calls = %s, want %s", n, got, want)
		}
	}
}

// queuedExperiment is an experiment of n trials waiting in team-a.
func queuedExperiment(t testing.TB, n int) (*kubefake.Getter, *fake.Clientset, *dynamicfake.FakeDynamicClient) {
	c := fake.NewClientset()
	kueuefake.Serve(c, "v1beta2")
	var wls []runtime.Object
	for i := 0; i < n; i++ {
		j := queuedTrialJob(fmt.Sprintf("mnist-%04d", i), fmt.Sprint(i), true)
		if err := c.Tracker().Add(j); err != nil {
			t.Fatal(err)
		}
		wls = append(wls, kueuefake.Workload("v1beta2", j, kueuefake.Pending(noQuota)))
	}
	dyn := kueuefake.NewDynamic(wls...)
	return &kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}, c, dyn
}

func calls(c *fake.Clientset, dyn *dynamicfake.FakeDynamicClient) string {
	var verbs []string
	for _, a := range append(c.Actions(), dyn.Actions()...) {
		verbs = append(verbs, a.GetVerb()+" "+a.GetResource().Resource)
	}
	sort.Strings(verbs)
	return strings.Join(verbs, ",")
}

// BenchmarkStatus1000 is status of 1000 trials on fake clientsets: plain
// ones (the baseline) and ones waiting in a Kueue queue; it reports the
// API calls of one status.
func BenchmarkStatus1000(b *testing.B) {
	for _, queued := range []bool{false, true} {
		name := "plain"
		if queued {
			name = "queued"
		}
		b.Run(name, func(b *testing.B) {
			g, c, dyn := queuedExperiment(b, 1000)
			if !queued {
				g, c, dyn = plainExperiment(b, 1000)
			}
			for b.Loop() {
				c.ClearActions()
				dyn.ClearActions()
				runQueued(b, g, "")
			}
			b.ReportMetric(float64(len(c.Actions())+len(dyn.Actions())), "calls/op")
		})
	}
}

// plainExperiment is an experiment of n suspended trials without a queue.
func plainExperiment(t testing.TB, n int) (*kubefake.Getter, *fake.Clientset, *dynamicfake.FakeDynamicClient) {
	c := fake.NewClientset()
	for i := 0; i < n; i++ {
		j := trialJob(fmt.Sprintf("mnist-%04d", i), fmt.Sprint(i), `{"lr":0.1}`)
		yes := true
		j.Spec.Suspend = &yes
		if err := c.Tracker().Add(j); err != nil {
			t.Fatal(err)
		}
	}
	dyn := kueuefake.NewDynamic()
	return &kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}, c, dyn
}

func ptrTime(t time.Time) *metav1.Time { m := metav1.NewTime(t); return &m }

// TestStatusWatchQueued: status -w watches the Workloads too: a trial's
// row changes when Kueue admits it, though its Job has not changed yet.
func TestStatusWatchQueued(t *testing.T) {
	j := queuedTrialJob("mnist-aaaa", "1", true)
	g, c, dyn := kueueCluster([]runtime.Object{j}, kueuefake.Workload("v1beta2", j, kueuefake.Pending(noQuota)))
	var out, errOut kubefake.SyncBuffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: g, Watch: true, Now: func() time.Time { return now }}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	waitFor := func(what string) {
		t.Helper()
		for !strings.Contains(out.String(), what) {
			select {
			case err := <-done:
				t.Fatalf("watch ended (%v) before printing %q:\n%s", err, what, out.String())
			case <-ctx.Done():
				t.Fatalf("no %q in:\n%s", what, out.String())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	waitFor("team-a #1 of 1")
	// Kueue admits the Workload: only the Workload changes.
	wl := kueuefake.Workload("v1beta2", j, kueuefake.Admitted("cq"))
	if _, err := dyn.Resource(kueue.API{Version: "v1beta2"}.GVR(kueue.Workloads)).Namespace("ml").Update(ctx, wl, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor("Pending   team-a           Admitted")
	// The Job completes: the watch ends.
	j.Spec.Suspend = nil
	j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	if _, err := c.BatchV1().Jobs("ml").Update(ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "QUEUE") || !strings.Contains(errOut.String(), "1 trial: 1 succeeded") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
}
