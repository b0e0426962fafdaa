package status

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func runStatus(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	c := fake.NewClientset(
		trialJob("mnist-aaaa", "0", `{"activation":"softmax","dropout":0.2}`),
		trialJob("mnist-bbbb", "1", `{"activation":"relu","dropout":0.3}`),
		trialJob("mnist-cccc", "2", `{"activation":"relu","dropout":0.1}`),
		trialPod("mnist-bbbb", "mnist-bbbb-y2", func(p *corev1.Pod) {
			p.Status.Phase = corev1.PodRunning
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", RestartCount: 3}}
		}),
	)
	var out, errOut bytes.Buffer
	cmd := NewCmdStatus(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestStatusPrinters(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"jsonpath names": {
			args: []string{"mnist", "-o", "jsonpath={.items[*].name}"},
			want: "mnist-aaaa mnist-bbbb mnist-cccc",
		},
		"custom-columns": {
			args: []string{"experiment/mnist", "-o", "custom-columns=NAME:.name,STATE:.state,DROPOUT:.params.dropout"},
			want: "NAME         STATE     DROPOUT\nmnist-aaaa   Pending   0.2\nmnist-bbbb   Running   0.3\nmnist-cccc   Pending   0.1\n",
		},
		"name": {
			args: []string{"mnist", "-o", "name", "--param-selector", "activation=relu"},
			want: "job.batch/mnist-bbbb\njob.batch/mnist-cccc\n",
		},
		"sort-by a parameter": {
			args: []string{"mnist", "-o", "jsonpath={.items[*].name}", "--sort-by", ".params.dropout"},
			want: "mnist-cccc mnist-aaaa mnist-bbbb",
		},
		"label selector on the Jobs": {
			args: []string{"mnist", "-l", "mlexp.dev/trial in (mnist-bbbb,mnist-cccc)", "-o", "custom-columns=NAME:.name,RESTARTS:.restarts", "--no-headers"},
			want: "mnist-bbbb   3\nmnist-cccc   0\n",
		},
		"labels field": {
			args: []string{"mnist", "--trial", "aaaa", "-o", "jsonpath={.items[0].labels.mlexp\\.dev/trial}"},
			want: "mnist-aaaa",
		},
		"trial by hash, list fields": {
			args: []string{"mnist", "--trial", "bbbb", "-o", "go-template={{.kind}} {{.experiment}} {{.summary.running}} {{(index .items 0).restarts}}"},
			want: "TrialList mnist 1 3",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, stderr, err := runStatus(t, tc.args...)
			if err != nil {
				t.Fatalf("%v (stderr %s)", err, stderr)
			}
			if diff := cmp.Diff(tc.want, out); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStatusShowLabels: --show-labels adds the Job's labels as the last
// column, in kubectl's format.
func TestStatusShowLabels(t *testing.T) {
	out, stderr, err := runStatus(t, "mnist", "--trial", "aaaa", "--show-labels", "-o", "wide")
	if err != nil {
		t.Fatalf("%v (stderr %s)", err, stderr)
	}
	lines := strings.Split(out, "\n")
	if h := strings.Fields(lines[0]); h[len(h)-1] != "LABELS" {
		t.Errorf("header %q does not end with LABELS", lines[0])
	}
	if !strings.HasSuffix(lines[1], "   mlexp.dev/experiment=mnist,mlexp.dev/trial=mnist-aaaa") {
		t.Errorf("row %q does not end with the Job's labels", lines[1])
	}
}

func TestStatusFlagErrors(t *testing.T) {
	for want, args := range map[string][]string{
		"-A/--all-namespaces: status works on one experiment in one namespace": {"mnist", "-A"},
		"--watch prints tables":                               {"mnist", "-w", "-o", "json"},
		`--trial: experiment "mnist" has no trial mnist-zzzz`: {"mnist", "--trial", "zzzz"},
		"--sort-by: .params is a map":                         {"mnist", "--sort-by", ".params"},
		`--output: unknown format "csv"`:                      {"mnist", "-o", "csv"},
		`--param-selector: experiment "mnist" has no parameter "activaton" (did you mean "activation"?); its parameters: activation, dropout`: {"mnist", "--param-selector", "activaton=relu"},
	} {
		_, _, err := runStatus(t, args...)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%v: err = %v, want %q", args, err, want)
		}
	}
}
