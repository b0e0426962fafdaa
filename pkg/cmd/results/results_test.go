package results

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// experiment is five trials: two succeeded, one failed, one running and
// one whose pod is gone.
func experiment() (*fake.Clientset, *logs) {
	c := fake.NewClientset(
		job("mnist-aaaa", 0, `{"activation":"relu","dropout":0.3}`, "ok", nil),
		job("mnist-bbbb", 1, `{"activation":"softmax","dropout":0.2}`, "ok", nil),
		job("mnist-cccc", 2, `{"activation":"linear","dropout":0.5}`, "fail", nil),
		job("mnist-dddd", 3, `{"activation":"tanh","dropout":0.4}`, "", nil),
		job("mnist-eeee", 4, `{"activation":"elu","dropout":0.7}`, "ok", nil),
		pod("mnist-aaaa", corev1.PodSucceeded, ""),
		pod("mnist-bbbb", corev1.PodSucceeded, ""),
		pod("mnist-cccc", corev1.PodFailed, ""),
		pod("mnist-dddd", corev1.PodRunning, ""),
	)
	l := &logs{text: map[string]string{
		"mnist-aaaa-x": "Epoch 1/2\nTest loss: 0.31\nTest accuracy: 0.9012\n",
		"mnist-bbbb-x": "Epoch 1/2\nTest loss: 0.0634\nTest accuracy: 0.9812\n",
		"mnist-cccc-x": "Epoch 1/2\nTest loss: nan\n",
		"mnist-dddd-x": "Epoch 1/2\r\nTest accuracy: 0.95",
	}}
	return c, l
}

func TestResultsTable(t *testing.T) {
	c, l := experiment()
	out, errOut := run(t, c, l)
	want := `
RANK   TRIAL        ACTIVATION   DROPOUT   STATE                  TEST_ACCURACY   0 … 0.9812             TEST_LOSS
1*     mnist-bbbb   softmax      0.2       Succeeded              0.9812          ████████████████████   0.0634
2      mnist-dddd   tanh         0.4       Running                0.95            ███████████████████▍   <none>
3      mnist-aaaa   relu         0.3       Succeeded              0.9012          ██████████████████▍    0.31
-      mnist-cccc   linear       0.5       Failed                 <none>                                 NaN
-      mnist-eeee   elu          0.7       Succeeded (pod gone)   <none>                                 <none>
best: mnist-bbbb (activation=softmax, dropout=0.2) test_accuracy=0.9812
`
	if diff := cmp.Diff(strings.TrimPrefix(want, "\n"), out); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	if errOut != "" {
		t.Errorf("stderr: %q", errOut)
	}
	wantReads := []string{"ml/mnist-aaaa-x/ml", "ml/mnist-bbbb-x/ml", "ml/mnist-cccc-x/ml", "ml/mnist-dddd-x/ml"}
	if diff := cmp.Diff(wantReads, sorted(l.reads)); diff != "" {
		t.Errorf("log reads (-want +got):\n%s", diff)
	}
}

func TestResultsRecordOnce(t *testing.T) {
	c, l := experiment()
	run(t, c, l)
	want := []string{
		`mnist-aaaa: {"metadata":{"annotations":{"mlexp.dev/results":"{\"source\":\"log\",\"pod\":\"mnist-aaaa-x\",\"metrics\":{\"test_accuracy\":0.9012,\"test_loss\":0.31}}"}}}`,
		`mnist-bbbb: {"metadata":{"annotations":{"mlexp.dev/results":"{\"source\":\"log\",\"pod\":\"mnist-bbbb-x\",\"metrics\":{\"test_accuracy\":0.9812,\"test_loss\":0.0634}}"}}}`,
		`mnist-cccc: {"metadata":{"annotations":{"mlexp.dev/results":"{\"source\":\"log\",\"pod\":\"mnist-cccc-x\",\"metrics\":{\"test_loss\":\"NaN\"}}"}}}`,
	}
	if diff := cmp.Diff(want, sorted(patches(c))); diff != "" {
		t.Errorf("first run patches (-want +got):\n%s", diff)
	}
	// The second run reads only the running trial's log and patches nothing.
	l.reads = nil
	out, _ := run(t, c, l, "-o", "wide")
	if diff := cmp.Diff([]string{"ml/mnist-dddd-x/ml"}, l.reads); diff != "" {
		t.Errorf("second run log reads (-want +got):\n%s", diff)
	}
	if got := patches(c); len(got) != 0 {
		t.Errorf("second run patches: %v", got)
	}
	if !strings.Contains(out, "log (recorded)") {
		t.Errorf("wide output does not say the metrics were recorded:\n%s", out)
	}
	// --refresh reads every log again but still patches nothing unchanged.
	l.reads = nil
	run(t, c, l, "--refresh")
	if len(l.reads) != 4 {
		t.Errorf("--refresh read %d logs, want 4", len(l.reads))
	}
	if got := patches(c); len(got) != 0 {
		t.Errorf("--refresh patches: %v", got)
	}
	// --no-record never patches.
	c2, l2 := experiment()
	run(t, c2, l2, "--no-record")
	if got := patches(c2); len(got) != 0 {
		t.Errorf("--no-record patches: %v", got)
	}
}

func TestResultsPodGone(t *testing.T) {
	c, l := experiment()
	run(t, c, l)
	// Every pod goes (TTL, or deleted by hand): the recorded results stay.
	for _, name := range []string{"mnist-aaaa-x", "mnist-bbbb-x", "mnist-cccc-x", "mnist-dddd-x"} {
		if err := c.CoreV1().Pods("ml").Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	l.reads = nil
	out, _ := run(t, c, l, "-o", "wide", "--chart=false")
	want := `
RANK   TRIAL        ACTIVATION   DROPOUT   STATE                  TEST_ACCURACY   TEST_LOSS   SOURCE           POD
1*     mnist-bbbb   softmax      0.2       Succeeded              0.9812          0.0634      log (recorded)   mnist-bbbb-x
2      mnist-aaaa   relu         0.3       Succeeded              0.9012          0.31        log (recorded)   mnist-aaaa-x
-      mnist-cccc   linear       0.5       Failed                 <none>          NaN         log (recorded)   mnist-cccc-x
-      mnist-dddd   tanh         0.4       Pending                <none>          <none>      <none>           <none>
-      mnist-eeee   elu          0.7       Succeeded (pod gone)   <none>          <none>      <none>           <none>
best: mnist-bbbb (activation=softmax, dropout=0.2) test_accuracy=0.9812
`
	if diff := cmp.Diff(strings.TrimPrefix(want, "\n"), out); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	if len(l.reads) != 0 {
		t.Errorf("log reads without pods: %v", l.reads)
	}
}

func TestResultsTerminationMessage(t *testing.T) {
	c := fake.NewClientset(
		job("mnist-aaaa", 0, `{"activation":"relu"}`, "ok", nil),
		job("mnist-bbbb", 1, `{"activation":"softmax"}`, "ok", nil),
		pod("mnist-aaaa", corev1.PodSucceeded, `{"test_loss":0.07,"test_accuracy":0.975}`+"\n"),
		pod("mnist-bbbb", corev1.PodSucceeded, `{"test_loss":null,"test_accuracy":0.1}`),
	)
	l := &logs{fail: map[string]error{"mnist-aaaa-x": errors.New("dial kubelet: connection refused")}, text: map[string]string{"mnist-bbbb-x": "no metrics here\n"}}
	out, errOut := run(t, c, l, "-o", "wide", "--chart=false")
	want := `
RANK   TRIAL        ACTIVATION   STATE       TEST_ACCURACY   TEST_LOSS   SOURCE                POD
1*     mnist-aaaa   relu         Succeeded   0.975           0.07        termination-message   mnist-aaaa-x
2      mnist-bbbb   softmax      Succeeded   0.1             NaN         termination-message   mnist-bbbb-x
best: mnist-aaaa (activation=relu) test_accuracy=0.975
`
	if diff := cmp.Diff(strings.TrimPrefix(want, "\n"), out); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	wantErr := "warning: could not read the log of 1 trial (first: pod mnist-aaaa-x: dial kubelet: connection refused)\n"
	if diff := cmp.Diff(wantErr, errOut); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	want2 := []string{
		`mnist-aaaa: {"metadata":{"annotations":{"mlexp.dev/results":"{\"source\":\"termination-message\",\"pod\":\"mnist-aaaa-x\",\"metrics\":{\"test_accuracy\":0.975,\"test_loss\":0.07}}"}}}`,
		`mnist-bbbb: {"metadata":{"annotations":{"mlexp.dev/results":"{\"source\":\"termination-message\",\"pod\":\"mnist-bbbb-x\",\"metrics\":{\"test_accuracy\":0.1,\"test_loss\":\"NaN\"}}"}}}`,
	}
	if diff := cmp.Diff(want2, sorted(patches(c))); diff != "" {
		t.Errorf("patches (-want +got):\n%s", diff)
	}
}

func TestResultsForbiddenWarnsOnce(t *testing.T) {
	c, l := experiment()
	c.PrependReactor("patch", "jobs", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "batch", Resource: "jobs"}, "mnist-aaaa", errors.New("RBAC says no"))
	})
	out, errOut := run(t, c, l)
	if !strings.Contains(out, "best: mnist-bbbb") {
		t.Errorf("no ranking:\n%s", out)
	}
	want := "note: results not recorded: you may not patch Jobs in namespace \"ml\", so logs are read again next time (--no-record skips trying)\n"
	if errOut != want {
		t.Errorf("stderr %q, want the one note %q", errOut, want)
	}
	if n := len(patches(c)); n != 1 {
		t.Errorf("%d patches sent, want 1 (stop at the first Forbidden)", n)
	}
}

func TestResultsSpecAnnotation(t *testing.T) {
	spec := `{"metric":"err","goal":"max","patterns":["ERR=(?P<err>[0-9.]+)"]}`
	ann := map[string]string{ranking.SpecAnnotation: spec}
	c := fake.NewClientset(
		job("exp-a", 0, `{"x":1}`, "ok", ann), job("exp-b", 1, `{"x":2}`, "ok", ann),
		pod("exp-a", corev1.PodSucceeded, ""), pod("exp-b", corev1.PodSucceeded, ""),
	)
	l := &logs{text: map[string]string{"exp-a-x": "ERR=0.1\n", "exp-b-x": "ERR=0.2\n"}}
	out, _ := run(t, c, l, "--chart=false", "--no-headers")
	// The file's goal (max) beats the name's (min for err).
	want := "1*    exp-b   2     Succeeded   0.2\n2     exp-a   1     Succeeded   0.1\nbest: exp-b (x=2) err=0.2\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Flags beat the file.
	out, _ = run(t, c, l, "--chart=false", "--no-headers", "--goal", "min")
	if !strings.HasSuffix(out, "best: exp-a (x=1) err=0.1\n") {
		t.Errorf("--goal min:\n%s", out)
	}
}

func TestResultsCSVAndJSON(t *testing.T) {
	c, l := experiment()
	out, _ := run(t, c, l, "-o", "csv", "--no-record")
	want := `trial,activation,dropout,state,test_accuracy,test_loss
mnist-bbbb,softmax,0.2,Succeeded,0.9812,0.0634
mnist-dddd,tanh,0.4,Running,0.95,
mnist-aaaa,relu,0.3,Succeeded,0.9012,0.31
mnist-cccc,linear,0.5,Failed,,NaN
mnist-eeee,elu,0.7,Succeeded,,
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
	out, _ = run(t, c, l, "-o", "markdown", "--no-record")
	if !strings.HasPrefix(out, "**mnist**: 5 trials ranked by `test_accuracy` (max is better)\n") || !strings.Contains(out, "| 1 ★ | **`mnist-bbbb`** |") {
		t.Errorf("markdown:\n%s", out)
	}
	out, _ = run(t, c, l, "-o", "json", "--no-record")
	for _, s := range []string{`"best": "mnist-bbbb"`, `"metric": "test_accuracy"`, `"goal": "max"`, `"curves": {`, `"podGone": true`, `"test_loss": "NaN"`} {
		if !strings.Contains(out, s) {
			t.Errorf("json lacks %s:\n%s", s, out)
		}
	}
}

func TestResultsCommand(t *testing.T) {
	c := fake.NewClientset(job("mnist-aaaa", 0, `{}`, "ok", nil), pod("mnist-aaaa", corev1.PodSucceeded, ""))
	var out, errOut bytes.Buffer
	cmd := NewCmdResults(getter{c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"mnist"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	// The fake clientset's logs say "fake logs": no metric in them.
	if diff := cmp.Diff("RANK   TRIAL        STATE\n-      mnist-aaaa   Succeeded\n", out.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("no metrics found for the 1 trials of mnist: add a pattern with --pattern or spec.results.patterns\n", errOut.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

func TestResultsErrors(t *testing.T) {
	c := fake.NewClientset(job("mnist-aaaa", 0, `{}`, "ok", nil))
	cases := map[string]struct {
		args []string
		want string
	}{
		"bad goal":      {args: []string{"mnist", "--goal", "up"}, want: `--goal: invalid goal "up": want max or min`},
		"bad output":    {args: []string{"mnist", "-o", "xml"}, want: `--output: unknown format "xml" (allowed: wide, csv, markdown, json, yaml, jsonpath=`},
		"bad pattern":   {args: []string{"mnist", "--pattern", "(?P<x>"}, want: `metric pattern "(?P<x>": `},
		"no experiment": {args: []string{"other"}, want: `experiment "other" not found in namespace "ml" (no Jobs with label ` + keys.Experiment + `=other)`},
		"no argument":   {args: nil, want: "an experiment name is required (see `kubectl mlexp list`)"},
		"requests":      {args: []string{"mnist", "--max-log-requests", "0"}, want: "--max-log-requests must be at least 1, got 0"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			cmd := NewCmdResults(getter{c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
			cmd.SetArgs(tc.args)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.Execute()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %v, want one starting with %q", err, tc.want)
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
