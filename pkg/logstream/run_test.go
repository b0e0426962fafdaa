package logstream

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// fakeClient returns a clientset holding jobs and pods.
func fakeClient(jobs []batchv1.Job, pods []corev1.Pod) *fake.Clientset {
	var objs []runtime.Object
	for i := range jobs {
		objs = append(objs, &jobs[i])
	}
	for i := range pods {
		objs = append(objs, &pods[i])
	}
	return fake.NewClientset(objs...)
}

func TestOnce(t *testing.T) {
	jobs, pods := testExperiment()
	logs := newFakeLogs()
	logs.get("mnist-00000000-p1", "ml").addN(t0, "first attempt", 3)
	logs.get("mnist-00000000-p2", "ml").addN(t0.Add(time.Minute), "retry", 2)
	logs.get("mnist-00000001-p1", "ml").addN(t0.Add(time.Minute), "epoch", 2)
	var out, errOut bytes.Buffer
	cfg := Config{
		Client: fakeClient(jobs, pods), Namespace: "ns", Experiment: "mnist",
		Tail: -1, MaxRequests: 2, Out: &out, ErrOut: &errOut, OpenStream: logs.open,
	}
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := `[mnist-00000000] first attempt 0
[mnist-00000000] first attempt 1
[mnist-00000000] first attempt 2
[mnist-00000000] retry 0
[mnist-00000000] retry 1
[mnist-00000001] epoch 0
[mnist-00000001] epoch 1
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("1 of 3 trials have no log yet: mnist-00000002 (pending)\n", errOut.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	if sum.Streams != 3 || sum.Lines != 7 {
		t.Errorf("summary %+v, want 3 streams and 7 lines", sum)
	}
}

// TestOnceKeepsTrialOrder reads many logs concurrently, the first the
// slowest, and checks that they are written one after another in order.
func TestOnceKeepsTrialOrder(t *testing.T) {
	var jobs []batchv1.Job
	var pods []corev1.Pod
	logs := newFakeLogs()
	var want strings.Builder
	for i := range 30 {
		j := testJob("mnist", i, `{}`, batchv1.JobComplete)
		jobs = append(jobs, j)
		pods = append(pods, testPod(&j, 1, corev1.PodSucceeded))
		l := logs.get(pods[i].Name, "ml")
		l.addN(t0, "line", 200)
		for _, line := range l.lines {
			_, _, msg, _ := SplitTimestamp([]byte(line))
			want.WriteString("[" + j.Name + "] " + string(msg) + "\n")
		}
	}
	open := func(ctx context.Context, tg *Target, o *corev1.PodLogOptions) (io.ReadCloser, error) {
		if tg.Pod == pods[0].Name {
			time.Sleep(50 * time.Millisecond) // the head of the line is slow
		}
		return logs.open(ctx, tg, o)
	}
	var out bytes.Buffer
	cfg := Config{Client: fakeClient(jobs, pods), Namespace: "ns", Experiment: "mnist", Tail: -1, MaxRequests: 8, Out: &out, ErrOut: io.Discard, OpenStream: open}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Errorf("output is not in trial order (got %d bytes, want %d)", out.Len(), want.Len())
	}
}

func TestOnceProblems(t *testing.T) {
	jobs, pods := testExperiment()
	cases := map[string]struct {
		filter     Filter
		experiment string
		breakLog   bool // the running trial's log cannot be read
		wantErr    string
		wantStderr string
	}{
		"unknown experiment": {experiment: "cifar", wantErr: `experiment "cifar" not found in namespace "ns"`},
		"unknown trial": {filter: Filter{Trials: []string{"mnist-00000009"}},
			wantErr: "experiment \"mnist\" has no trial mnist-00000009"},
		"no trial matches": {filter: Filter{Selector: params.Selector{{Name: "activation", Value: "elu"}}},
			wantErr: "no trial of experiment \"mnist\" has parameters matching activation=elu"},
		"a log fails": {filter: Filter{Trials: []string{"mnist-00000001"}}, breakLog: true,
			wantErr: "1 of 1 log requests failed", wantStderr: "error: trial mnist-00000001 (pod mnist-00000001-p1, container ml): boom\n"},
		"a pod was deleted": {filter: Filter{Trials: []string{"mnist-00000000"}, NewestPodOnly: true},
			wantStderr: "pod mnist-00000000-p2 of trial mnist-00000000 was deleted before its log was read\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			logs := newFakeLogs()
			l := logs.get("mnist-00000001-p1", "ml")
			l.addN(t0, "x", 1)
			if tc.breakLog {
				boom := errors.New("boom")
				l.openErr = []error{boom, boom, boom, boom}
			}
			exp := tc.experiment
			if exp == "" {
				exp = "mnist"
			}
			var errOut bytes.Buffer
			cfg := Config{Client: fakeClient(jobs, pods), Namespace: "ns", Experiment: exp, Filter: tc.filter,
				Tail: -1, Out: io.Discard, ErrOut: &errOut, OpenStream: logs.open, RetryDelay: time.Millisecond}
			_, err := Run(context.Background(), cfg)
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.wantStderr, errOut.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOnceJSON(t *testing.T) {
	jobs, pods := testExperiment()
	logs := newFakeLogs()
	logs.get("mnist-00000001-p1", "ml").add(t0, `Test accuracy: 0.93`)
	var out bytes.Buffer
	cfg := Config{Client: fakeClient(jobs, pods), Namespace: "ns", Experiment: "mnist",
		Filter: Filter{Trials: []string{"mnist-00000001"}}, Format: Format{JSON: true, Params: true},
		Tail: -1, Out: &out, ErrOut: io.Discard, OpenStream: logs.open}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	want := `{"trial":"mnist-00000001","pod":"mnist-00000001-p1","container":"ml","timestamp":"2024-05-01T10:00:00.000000000Z","message":"Test accuracy: 0.93","params":{"activation":"relu","dropout":0.3}}` + "\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

func TestSummaryString(t *testing.T) {
	cases := map[string]struct {
		sum  Summary
		want string
	}{
		"finished": {Summary{Trials: statuses("Succeeded", "Succeeded", "OOMKilled"), Streams: 3, Lines: 1234},
			"3 trials finished: 2 succeeded, 1 oomkilled; 3 streams, 1,234 lines"},
		"interrupted": {Summary{Trials: statuses("Running", "Succeeded"), Streams: 1, Lines: 1, Interrupted: true},
			"interrupted: 2 trials: 1 running, 1 succeeded; 1 stream, 1 line"},
		"failures": {Summary{Trials: statuses("Failed"), Streams: 2, Lines: 1000000, Failed: 1},
			"1 trial finished: 1 failed; 2 streams, 1,000,000 lines, 1 failed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.sum.String()); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}

// statuses returns trials in the given states.
func statuses(states ...string) []trial.Status {
	out := make([]trial.Status, len(states))
	for i, s := range states {
		out[i].State = trial.State(s)
	}
	return out
}
