package describe

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

func experiment() *fake.Clientset {
	objs := kubefake.Experiment("ml", "oom",
		kubefake.Trial{Name: "oom-aaaaaaaa", Index: 0, Params: `{"run":"hog","mb":48}`, State: "OOMKilled", Memory: "64Mi"},
		kubefake.Trial{Name: "oom-bbbbbbbb", Index: 1, Params: `{"run":"ok","mb":1}`, State: "Succeeded", Memory: "32Mi"},
		kubefake.Trial{Name: "oom-cccccccc", Index: 2, Params: `{"run":"wait","mb":1}`, State: "Pending", Memory: "32Mi"},
	)
	for _, o := range objs {
		j, ok := o.(*batchv1.Job)
		if !ok {
			continue
		}
		j.Annotations[keys.TrialCount] = "4"
		switch j.Name {
		case "oom-aaaaaaaa":
			j.Annotations[keys.Attempts] = `[{"attempt":1,"state":"OOMKilled","reason":"OOMKilled","exitCode":137,"container":"ml","memoryLimits":{"ml":"32Mi"},"node":"node1","started":"2026-11-29T09:00:00Z","finished":"2026-11-29T09:00:05Z"}]`
			j.Annotations[keys.Override] = `{"base":"hash-oom-aaaaaaaa","changes":[{"container":"ml","field":"limits.memory","from":"32Mi","to":"64Mi"}]}`
		case "oom-bbbbbbbb":
			j.Annotations[keys.Results] = `{"source":"log","pod":"oom-bbbbbbbb-abcde","metrics":{"test_accuracy":0.91}}`
		}
	}
	ev := func(name, kind, obj, reason, msg string, at time.Time) runtime.Object {
		return &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ml"}, Type: corev1.EventTypeWarning,
			InvolvedObject: corev1.ObjectReference{Kind: kind, Name: obj, Namespace: "ml"}, Reason: reason, Message: msg,
			FirstTimestamp: metav1.NewTime(at), LastTimestamp: metav1.NewTime(at), Count: 1, Source: corev1.EventSource{Component: "job-controller"}}
	}
	objs = append(objs,
		ev("e1", "Job", "oom-aaaaaaaa", "BackoffLimitExceeded", "Job has reached the specified backoff limit", kubefake.T0.Add(time.Minute)),
		ev("e0", "Pod", "oom-aaaaaaaa-zzzzz", "FailedScheduling", "earlier attempt's pod", kubefake.T0.Add(-time.Hour)),
		ev("e2", "Job", "oom-bbbbbbbb", "Completed", "another trial's", kubefake.T0.Add(time.Minute)),
	)
	return fake.NewClientset(objs...)
}

func describe(t *testing.T, c *fake.Clientset, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newCmdDescribe(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut},
		func() time.Time { return kubefake.T0.Add(time.Hour) })
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(context.Background())
	return squeeze(out.String()), err
}

// squeeze turns every run of spaces inside a line into one, so the tests
// read the text, not the tab writer's column widths.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		indent := len(l) - len(strings.TrimLeft(l, " "))
		lines[i] = l[:indent] + strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

func TestDescribeTrial(t *testing.T) {
	out, err := describe(t, experiment(), "oom", "aaaaaaaa")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Name: oom-aaaaaaaa\n",
		"Parameters:\n  run: hog\n  mb: 48\n",
		"State: OOMKilled\n",
		"Reason: OOMKilled at limit 64Mi (exit 137)\n",
		"Attempt: 2\n",
		"Created: Sun, 29 Nov 2026 10:00:00 +0000 (60m ago)\n",
		"Retry Override:\n  limits.memory of container ml: 32Mi -> 64Mi\n",
		"Backoff Limit: 0\n",
		"Failed True BackoffLimitExceeded 59m -\n",
		"Limits: memory=64Mi\n",
		"Pod: oom-aaaaaaaa-abcde (newest of 1)\n",
		"Reason: OOMKilled\n      Exit Code: 137\n",
		"  1 OOMKilled at limit 32Mi (exit 137) ml=32Mi node1 2026-11-29T09:00:00Z 5s\n",
		"  2 OOMKilled at limit 64Mi (exit 137) (current) ml=64Mi node1 2026-11-29T10:00:01Z 59s\n",
		"Metrics: <none recorded>",
		"Warning FailedScheduling 120m job-controller pod/oom-aaaaaaaa-zzzzz earlier attempt's pod\n",
		"Warning BackoffLimitExceeded 59m job-controller job/oom-aaaaaaaa Job has reached the specified backoff limit\n",
		"Warning OOMKilled 59m pod status pod/oom-aaaaaaaa-abcde Container ml exceeded its memory limit of 64Mi",
		"Log: (last 20 lines of pod oom-aaaaaaaa-abcde)\n  fake logs\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("describe lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "another trial's") {
		t.Errorf("describe shows another trial's event:\n%s", out)
	}
	if i, j := strings.Index(out, "Warning FailedScheduling"), strings.Index(out, "Warning BackoffLimitExceeded"); i < 0 || j < 0 || i > j {
		t.Errorf("events are not oldest first:\n%s", out)
	}
	out, _ = describe(t, experiment(), "oom", "oom-bbbbbbbb")
	if !strings.Contains(out, "Metrics: (from the log of pod oom-bbbbbbbb-abcde)\n  test_accuracy: 0.91\n") {
		t.Errorf("recorded metrics missing:\n%s", out)
	}
	out, _ = describe(t, experiment(), "oom", "cccccccc")
	if !strings.Contains(out, "Log: <the trial's pod has not started>") {
		t.Errorf("pending trial's log line:\n%s", out)
	}
}

func TestDescribeExperiment(t *testing.T) {
	out, err := describe(t, experiment(), "experiment/oom")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Name: oom\n",
		"Trials: 3 (the file had 4: 1 have no Job any more)\n",
		"States: 1 pending, 1 succeeded, 1 oomkilled\n",
		"Submitted: Sun, 29 Nov 2026 10:00:00 +0000 (60m ago)\n",
		"Parameters:\n  run: hog, ok, wait\n  mb: 48, 1\n",
		"Images: localhost/mlexp/toolbox:dev\n",
		"Resources:\n  ml: limits memory=64Mi; requests <none> (1 trials)\n  ml: limits memory=32Mi; requests <none> (2 trials)\n",
		"Retried: 1 trial(s), up to attempt 2\n",
		"Waiting:\n  1 Pending: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.\n",
		"Failed:\n  1 OOMKilled: OOMKilled at limit 64Mi (exit 137)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("describe lacks %q:\n%s", want, out)
		}
	}
}

func TestDescribeErrors(t *testing.T) {
	if _, err := describe(t, experiment(), "oom", "ffffffff"); err == nil || !strings.Contains(err.Error(), `no trial oom-ffffffff in experiment "oom"`) {
		t.Errorf("unknown trial: %v", err)
	}
	if _, err := describe(t, experiment(), "nope", "ffffffff"); err == nil || !strings.Contains(err.Error(), `experiment "nope" not found`) {
		t.Errorf("unknown experiment: %v", err)
	}
	if _, err := describe(t, experiment(), "nope"); err == nil || !strings.Contains(err.Error(), `experiment "nope" not found`) {
		t.Errorf("unknown experiment: %v", err)
	}
}

// TestDescribeQueuedTrial shows the Kueue Workload of a trial waiting in a
// queue: its LocalQueue, place in line, Workload and Kueue's reason.
func TestDescribeQueuedTrial(t *testing.T) {
	objs := kubefake.Experiment("ml", "q",
		kubefake.Trial{Name: "q-aaaaaaaa", Index: 0, Params: `{"lr":0.1}`, State: "Pending", Memory: "32Mi"})
	var job *batchv1.Job
	for _, o := range objs {
		if j, ok := o.(*batchv1.Job); ok {
			job = j
		}
	}
	suspended := true
	job.UID = types.UID("uid-q-aaaaaaaa")
	job.Labels[keys.KueueQueueName] = "team-a"
	job.Spec.Suspend = &suspended
	c := fake.NewClientset(objs...)
	kueuefake.Serve(c, "v1beta2")
	dyn := kueuefake.NewDynamic(kueuefake.Workload("v1beta2", job, kueuefake.Pending("couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default, 1 more needed")))
	var out, errOut bytes.Buffer
	cmd := newCmdDescribe(&kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut},
		func() time.Time { return kubefake.T0.Add(time.Hour) })
	cmd.SetArgs([]string{"q", "aaaaaaaa", "--tail=0"})
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	got := out.String()
	for _, want := range []string{"Queued\n", "insufficient unused quota for cpu", "Queue:\n", "LocalQueue:    team-a\n", "Position:      1 of 1 pending\n", "Workload:      job-q-aaaaaaaa-"} {
		if !strings.Contains(got, want) {
			t.Errorf("describe lacks %q:\n%s", want, got)
		}
	}
}

// TestValidateWithoutClient: a negative --tail is refused by Validate, on
// options that have no client.
func TestValidateWithoutClient(t *testing.T) {
	if err := (&Options{Tail: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "--tail") {
		t.Errorf("Validate(--tail -1) = %v", err)
	}
	if err := (&Options{Tail: 0}).Validate(); err != nil {
		t.Errorf("Validate(--tail 0) = %v", err)
	}
}
