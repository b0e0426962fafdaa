package common

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

func job(name, paramsJSON, results string) *batchv1.Job {
	j := kubefake.Job("ml", "mnist", name, kubefake.Params(paramsJSON), kubefake.Annotations(map[string]string{ranking.SpecAnnotation: `{"metric":"top5"}`}))
	if results != "" {
		j.Annotations[keys.Results] = results
	}
	return j
}

func jobs() []batchv1.Job {
	return []batchv1.Job{
		*job("mnist-1a2b3c4d", `{"activation":"relu","dropout":0.2}`, `{"source":"log","metrics":{"test_accuracy":0.9,"loss":0.1}}`),
		*job("mnist-1f000000", `{"activation":"tanh","dropout":0.2}`, ""),
		*job("mnist-9e9e9e9e", `{"activation":"relu","dropout":0.5}`, `{"source":"log","metrics":{"val_loss":0.3}}`),
	}
}

func TestTrialCandidates(t *testing.T) {
	got := TrialCandidates("mnist", jobs(), "1")
	want := []string{"1a2b3c4d", "1f000000"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hash prefix (-want +got):\n%s", diff)
	}
	got = TrialCandidates("mnist", jobs(), "mnist-9")
	if diff := cmp.Diff([]string{"mnist-9e9e9e9e"}, got); diff != "" {
		t.Errorf("name prefix (-want +got):\n%s", diff)
	}
}

func TestParamSelectorCandidates(t *testing.T) {
	cases := map[string]struct {
		want      []string
		directive cobra.ShellCompDirective
	}{
		"":                            {[]string{"activation=", "activation!=", "dropout=", "dropout!="}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace},
		"act":                         {[]string{"activation=", "activation!="}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace},
		"activation=":                 {[]string{"activation=relu", "activation=tanh"}, cobra.ShellCompDirectiveNoFileComp},
		"dropout!=0":                  {[]string{"dropout!=0.2", "dropout!=0.5"}, cobra.ShellCompDirectiveNoFileComp},
		"activation=relu,drop":        {[]string{"activation=relu,dropout=", "activation=relu,dropout!="}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace},
		"activation=relu,dropout=0.5": {[]string{"activation=relu,dropout=0.5"}, cobra.ShellCompDirectiveNoFileComp},
	}
	for in, tc := range cases {
		got, d := ParamSelectorCandidates(jobs(), in)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", in, diff)
		}
		if d != tc.directive {
			t.Errorf("%q: directive %v, want %v", in, d, tc.directive)
		}
	}
}

func TestMetricCandidates(t *testing.T) {
	if diff := cmp.Diff([]string{"loss", "test_accuracy", "top5", "val_loss"}, MetricCandidates(jobs(), "")); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"test_accuracy", "top5"}, MetricCandidates(jobs(), "t")); diff != "" {
		t.Errorf("metrics with prefix (-want +got):\n%s", diff)
	}
}

// TestCompletionThroughCobra runs cobra's __complete as the shell shim does
// and checks that each completion costs one List.
func TestCompletionThroughCobra(t *testing.T) {
	js := jobs()
	c := fake.NewClientset(&js[0], &js[1], &js[2])
	getter := &kubefake.Getter{NS: "ml", Client: c}
	cmd := &cobra.Command{Use: "logs", ValidArgsFunction: CompleteTrials(getter), Run: func(*cobra.Command, []string) {}}
	var tf TrialFlags
	tf.AddFlags(cmd.Flags(), "Show")
	RegisterTrialCompletions(cmd, getter)
	root := &cobra.Command{Use: "kubectl-mlexp"}
	root.AddCommand(cmd)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"logs", ""}, []string{"mnist"}},
		{[]string{"logs", "mnist", "1a"}, []string{"1a2b3c4d"}},
		{[]string{"logs", "experiment/mnist", "--trial", "9"}, []string{"9e9e9e9e"}},
		{[]string{"logs", "mnist", "--param-selector", "activation=t"}, []string{"activation=tanh"}},
	} {
		c.ClearActions()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&bytes.Buffer{})
		root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, tc.args...))
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if diff := cmp.Diff(tc.want, lines[:len(lines)-1]); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tc.args, diff)
		}
		if n := len(c.Actions()); n != 1 {
			t.Errorf("%v: %d API calls, want 1", tc.args, n)
		}
	}
}

func TestExperimentArgAcceptsListNames(t *testing.T) {
	for in, want := range map[string]string{"mnist": "mnist", "experiment/mnist": "mnist", "experiment.mlexp.dev/mnist": "mnist"} {
		got, err := ExperimentArg([]string{in})
		if err != nil || got != want {
			t.Errorf("ExperimentArg(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"job.batch/mnist", "experiment/Mnist", "experiment/"} {
		if _, err := ExperimentArg([]string{bad}); err == nil {
			t.Errorf("ExperimentArg(%q) accepted", bad)
		}
	}
}
