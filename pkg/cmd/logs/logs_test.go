package logs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
)

// experiment returns two finished trials of experiment mnist with a pod each.
func experiment() []runtime.Object {
	var objs []runtime.Object
	for i, p := range []string{`{"activation":"relu","dropout":0.2}`, `{"activation":"tanh","dropout":0.4}`} {
		name := fmt.Sprintf("mnist-%08x", i)
		meta := metav1.ObjectMeta{
			Name: name, Namespace: "ns",
			Labels:      map[string]string{keys.Experiment: "mnist", keys.Trial: name},
			Annotations: map[string]string{keys.Params: p, keys.Index: fmt.Sprint(i)},
		}
		job := &batchv1.Job{ObjectMeta: meta}
		job.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
		pod := &corev1.Pod{ObjectMeta: meta, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "ml"}}}}
		pod.Name = name + "-x"
		pod.Status.Phase = corev1.PodSucceeded
		pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{}}}}
		objs = append(objs, job, pod)
	}
	return objs
}

// fakeOpen serves each container two timestamped lines naming its pod.
func fakeOpen(_ context.Context, t *logstream.Target, o *corev1.PodLogOptions) (io.ReadCloser, error) {
	if !o.Timestamps {
		return nil, fmt.Errorf("timestamps not asked for")
	}
	return io.NopCloser(strings.NewReader(fmt.Sprintf(
		"2024-05-01T10:00:00.000000000Z hello from %s\n2024-05-01T10:00:01.000000000Z Test accuracy: 0.9\n", t.Pod))), nil
}

// run runs `logs ARGS` against the experiment; open nil uses the fake
// clientset's own GetLogs.
func run(t *testing.T, open logstream.OpenFunc, tty bool, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	o := &Options{
		IOStreams:  genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Getter:     &kubefake.Getter{NS: "ns", Client: fake.NewClientset(experiment()...)},
		IsTerminal: func(io.Writer) bool { return tty },
		OpenStream: open,
	}
	cmd := newCmd(o)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestLogs(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	color0 := "\x1b[" + logstream.ColorOf("mnist-00000000") + "m"
	cases := map[string]struct {
		args []string
		tty  bool
		want string
	}{
		"all": {args: []string{"mnist", "--all"}, want: `[mnist-00000000] hello from mnist-00000000-x
[mnist-00000000] Test accuracy: 0.9
[mnist-00000001] hello from mnist-00000001-x
[mnist-00000001] Test accuracy: 0.9
`},
		"one trial by its hash": {args: []string{"mnist", "00000001"}, want: "[mnist-00000001] hello from mnist-00000001-x\n[mnist-00000001] Test accuracy: 0.9\n"},
		"params and timestamps": {args: []string{"mnist", "--param-selector", "activation=tanh", "--params", "--timestamps"},
			want: "[mnist-00000001 activation=tanh,dropout=0.4] 2024-05-01T10:00:00.000000000Z hello from mnist-00000001-x\n" +
				"[mnist-00000001 activation=tanh,dropout=0.4] 2024-05-01T10:00:01.000000000Z Test accuracy: 0.9\n"},
		"colour on a terminal": {args: []string{"mnist", "--trial", "mnist-00000000"}, tty: true,
			want: color0 + "[mnist-00000000]\x1b[0m hello from mnist-00000000-x\n" + color0 + "[mnist-00000000]\x1b[0m Test accuracy: 0.9\n"},
		"no colour when asked": {args: []string{"mnist", "--trial", "mnist-00000000", "--color", "never"}, tty: true,
			want: "[mnist-00000000] hello from mnist-00000000-x\n[mnist-00000000] Test accuracy: 0.9\n"},
		"json": {args: []string{"mnist", "--trial", "00000000", "-o", "json"}, tty: true,
			want: `{"trial":"mnist-00000000","pod":"mnist-00000000-x","container":"ml","timestamp":"2024-05-01T10:00:00.000000000Z","message":"hello from mnist-00000000-x"}
{"trial":"mnist-00000000","pod":"mnist-00000000-x","container":"ml","timestamp":"2024-05-01T10:00:01.000000000Z","message":"Test accuracy: 0.9"}
`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, errOut, err := run(t, fakeOpen, tc.tty, tc.args...)
			if err != nil {
				t.Fatalf("%v\nstderr: %s", err, errOut)
			}
			if diff := cmp.Diff(tc.want, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLogsThroughClientset checks the wiring to the API: the fake
// clientset answers every log request with "fake logs".
func TestLogsThroughClientset(t *testing.T) {
	out, _, err := run(t, nil, false, "mnist", "--all")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("[mnist-00000000] fake logs\n[mnist-00000001] fake logs\n", out); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

func TestLogsFollowEndsWithSummary(t *testing.T) {
	_, errOut, err := run(t, fakeOpen, false, "mnist", "--all", "-f")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("2 trials finished: 2 succeeded; 2 streams, 4 lines\n", errOut); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

func TestLogsFlagErrors(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"no experiment":      {args: []string{}, want: "accepts between 1 and 2 arg(s)"},
		"no trials chosen":   {args: []string{"mnist"}, want: "choose the trials: --all for every trial, or a TRIAL name"},
		"trial and all":      {args: []string{"mnist", "00000001", "--all"}, want: "give a TRIAL argument or --all/--trial/--param-selector/--selector, not both"},
		"bad colour":         {args: []string{"mnist", "--all", "--color", "sometimes"}, want: `--color: unknown value "sometimes"`},
		"bad output":         {args: []string{"mnist", "--all", "-o", "yaml"}, want: `--output: unknown format "yaml"`},
		"previous follow":    {args: []string{"mnist", "--all", "-p", "-f"}, want: "--previous shows terminated containers"},
		"two sinces":         {args: []string{"mnist", "--all", "--since", "1h", "--since-time", "2024-05-01T10:00:00Z"}, want: "--since and --since-time cannot be used together"},
		"bad since-time":     {args: []string{"mnist", "--all", "--since-time", "yesterday"}, want: "--since-time: want an RFC3339 date"},
		"bad selector":       {args: []string{"mnist", "--param-selector", "relu"}, want: `--param-selector: selector "relu": want name=value`},
		"bad label selector": {args: []string{"mnist", "--all", "-l", "a=(b"}, want: `--selector: `},
		"bad tail":           {args: []string{"mnist", "--all", "--tail", "-2"}, want: "--tail must be -1 (all) or more"},
		"no requests":        {args: []string{"mnist", "--all", "--max-log-requests", "0"}, want: "--max-log-requests must be at least 1"},
		"both containers":    {args: []string{"mnist", "--all", "-c", "ml", "--all-containers"}, want: "--all-containers and --container cannot be used together"},
		"unknown trial":      {args: []string{"mnist", "0000000f"}, want: `experiment "mnist" has no trial mnist-0000000f`},
		"unknown experiment": {args: []string{"cifar", "--all"}, want: `experiment "cifar" not found in namespace "ns"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := run(t, fakeOpen, false, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCompleteTrials(t *testing.T) {
	getter := &kubefake.Getter{NS: "ns", Client: fake.NewClientset(experiment()...)}
	cmd := NewCmdLogs(getter, genericiooptions.NewTestIOStreamsDiscard())
	cmd.SetContext(context.Background()) // as cobra's __complete sets it
	got, _ := cmd.ValidArgsFunction(cmd, []string{"mnist"}, "mnist-00000001")
	if diff := cmp.Diff([]string{"mnist-00000001"}, got); diff != "" {
		t.Errorf("completions (-want +got):\n%s", diff)
	}
}

// TestValidateWithoutClient: Validate refuses bad flags on options that
// have no client (Complete never ran) and fills nothing in.
func TestValidateWithoutClient(t *testing.T) {
	for name, o := range map[string]*Options{
		"--color":      {All: true, Color: "sometimes", Tail: -1, MaxRequests: 1},
		"--since-time": {All: true, Color: "auto", Tail: -1, MaxRequests: 1, SinceTime: "yesterday"},
		"--tail":       {All: true, Color: "auto", Tail: -5, MaxRequests: 1},
		"--output":     {All: true, Color: "auto", Tail: -1, MaxRequests: 1, Output: "yaml"},
	} {
		o.experiment = "mnist"
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: Validate = %v, want an error naming the flag", name, err)
		}
	}
}
