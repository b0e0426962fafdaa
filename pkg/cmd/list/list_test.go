package list

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

var now = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func job(ns, exp, name string, age time.Duration, conds ...batchv1.JobCondition) *batchv1.Job {
	return kubefake.Job(ns, exp, name, kubefake.Created(now.Add(-age)), kubefake.Conditions(conds...))
}

func runList(t *testing.T, c *fake.Clientset, all bool) (string, string) {
	t.Helper()
	return runListWith(t, &kubefake.Getter{NS: "ml", Client: c}, all, "")
}

func runListWith(t *testing.T, g *kubefake.Getter, all bool, output string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: g,
		AllNamespaces: all, Print: common.PrintFlags{Output: output, Tables: []string{"wide"}}, Now: func() time.Time { return now }}
	if err := o.Complete(o.Getter, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String()
}

func TestListCountsTrialsByState(t *testing.T) {
	done := batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}
	running := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "a-2-x", Namespace: "ml", Labels: map[string]string{keys.Experiment: "a", keys.Trial: "a-2"}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	c := fake.NewClientset(job("ml", "a", "a-1", time.Hour, done), job("ml", "a", "a-2", 2*time.Hour), job("ml", "a", "a-3", time.Hour),
		job("ml", "b", "b-1", 3*time.Minute, done), job("other", "c", "c-1", time.Minute), running)
	out, _ := runList(t, c, false)
	want := "NAME   QUEUE    TRIALS   PENDING   RUNNING   SUCCEEDED   FAILED   AGE\n" +
		"a      <none>   3        1         1         1           0        120m\n" +
		"b      <none>   1        0         0         1           0        3m\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	out, _ = runList(t, c, true)
	if want := "other       c      <none>   1        1         0         0           0        60s\n"; !bytes.HasSuffix([]byte(out), []byte(want)) {
		t.Errorf("list -A does not end with %q:\n%s", want, out)
	}
}

func TestListEmptySaysSoOnStderr(t *testing.T) {
	out, errOut := runList(t, fake.NewClientset(), false)
	if out != "" || errOut != "No resources found in ml namespace.\n" {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
}

// TestListQueue: the QUEUE column names an experiment's Kueue queue; its
// waiting trials count as PENDING, and -o wide splits them into QUEUED
// and SUSPENDED (a deactivated Workload).
func TestListQueue(t *testing.T) {
	queued := func(name string) *batchv1.Job {
		j := job("ml", "q", name, time.Hour)
		j.UID = types.UID("uid-" + name)
		j.Labels[keys.KueueQueueName] = "team-a"
		yes := true
		j.Spec.Suspend = &yes
		return j
	}
	q1, q2, q3 := queued("q-1"), queued("q-2"), queued("q-3")
	c := fake.NewClientset(q1, q2, q3, job("ml", "b", "b-1", time.Hour))
	kueuefake.Serve(c, "v1beta2")
	dyn := kueuefake.NewDynamic(kueuefake.Workload("v1beta2", q1, kueuefake.Pending("no quota")),
		kueuefake.Workload("v1beta2", q2, kueuefake.Pending("no quota")), kueuefake.Workload("v1beta2", q3, kueuefake.Inactive))
	g := &kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}
	out, _ := runListWith(t, g, false, "")
	want := "NAME   QUEUE    TRIALS   PENDING   RUNNING   SUCCEEDED   FAILED   AGE\n" +
		"b      <none>   1        1         0         0           0        60m\n" +
		"q      team-a   3        2         0         0           0        60m\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	out, _ = runListWith(t, g, false, "wide")
	if want := "q      team-a   3        0         0         0           0        2        0           1           60m\n"; !strings.HasSuffix(out, want) {
		t.Errorf("list -o wide does not end with\n%s\n%s", want, out)
	}
}

func TestListPrinters(t *testing.T) {
	done := batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}
	c := fake.NewClientset(job("ml", "a", "a-1", time.Hour, done), job("ml", "a", "a-2", 2*time.Hour), job("ml", "b", "b-1", 3*time.Minute, done))
	for format, want := range map[string]string{
		"name":                      "experiment/a\nexperiment/b\n",
		"jsonpath={.items[*].name}": "a b",
		"custom-columns=NAME:.name,DONE:.counts.succeeded,OOM:.counts.oomkilled": "NAME   DONE   OOM\na      1      0\nb      1      0\n",
		"go-template={{.kind}} {{len .items}}":                                   "ExperimentList 2",
	} {
		var out, errOut bytes.Buffer
		cmd := NewCmdList(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
		cmd.SetArgs([]string{"-o", format})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("-o %s: %v", format, err)
		}
		if diff := cmp.Diff(want, out.String()); diff != "" {
			t.Errorf("-o %s (-want +got):\n%s", format, diff)
		}
	}
	var out bytes.Buffer
	cmd := NewCmdList(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &bytes.Buffer{}})
	cmd.SetArgs([]string{"--sort-by", ".created", "-o", "name"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if want := "experiment/a\nexperiment/b\n"; out.String() != want {
		t.Errorf("--sort-by .created: %q, want %q (oldest first)", out.String(), want)
	}
}

// TestListShowLabels: --show-labels adds the labels every Job of an
// experiment carries; a label one Job lacks or sets differently is left out.
func TestListShowLabels(t *testing.T) {
	a1, a2, b1 := job("ml", "a", "a-1", time.Hour), job("ml", "a", "a-2", time.Hour), job("ml", "b", "b-1", time.Hour)
	a1.Labels["team"], a2.Labels["team"] = "vision", "vision"
	a1.Labels["owner"], a2.Labels["owner"] = "kim", "lee"
	var out, errOut bytes.Buffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut},
		Getter: &kubefake.Getter{NS: "ml", Client: fake.NewClientset(a1, a2, b1)},
		Print:  common.PrintFlags{ShowLabels: true}, Now: func() time.Time { return now }}
	if err := o.Complete(o.Getter, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "NAME   QUEUE    TRIALS   PENDING   RUNNING   SUCCEEDED   FAILED   AGE   LABELS\n" +
		"a      <none>   2        2         0         0           0        60m   mlexp.dev/experiment=a,team=vision\n" +
		"b      <none>   1        1         0         0           0        60m   mlexp.dev/experiment=b,mlexp.dev/trial=b-1\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("list --show-labels (-want +got):\n%s", diff)
	}
	if a1.Labels["owner"] != "kim" || a1.Labels[keys.Trial] != "a-1" {
		t.Errorf("list changed a Job's labels: %v", a1.Labels)
	}
}
