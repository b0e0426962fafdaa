package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func TestHelpListsEveryCommand(t *testing.T) {
	var out bytes.Buffer
	root := NewCmdMlexp(genericiooptions.IOStreams{Out: &out, ErrOut: &out})
	root.SetOut(&out)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"submit", "list", "status", "logs", "top", "events", "results", "delete", "retry", "wait", "describe", "version", "completion"} {
		if !strings.Contains(out.String(), "\n  "+c+" ") {
			t.Errorf("--help does not list %q:\n%s", c, out.String())
		}
	}
	if !strings.Contains(out.String(), "kubectl mlexp [flags] [options]") || !strings.Contains(out.String(), `Use "kubectl mlexp options"`) {
		t.Errorf("usage does not read as a kubectl plugin (kubectl mlexp ..., global flags behind options):\n%s", out.String())
	}
}

func TestEveryCommandHasExamples(t *testing.T) {
	root := NewCmdMlexp(genericiooptions.NewTestIOStreamsDiscard())
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help", "completion", "version":
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("command %q has no examples", c.Name())
		}
		if c.Short == "" || strings.Contains(c.Short, "Not implemented") {
			t.Errorf("command %q has no short description", c.Name())
		}
	}
}

// Help reads as written for users: no flag description whose backticks
// cobra would turn into a value name, no paragraph that starts with a
// stray space (kubectl's markdown renderer indents them), no in-house word.
func TestHelpTextReadsCleanly(t *testing.T) {
	root := NewCmdMlexp(genericiooptions.NewTestIOStreamsDiscard())
	inHouse := []string{"Seed format", "seed's", "native format", "Calls:"}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if strings.Contains(f.Usage, "`") {
				t.Errorf("%s --%s: a backtick in %q makes cobra print a value name", c.CommandPath(), f.Name, f.Usage)
			}
		})
		for i, line := range strings.Split(c.Long, "\n") {
			if strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "  ") {
				t.Errorf("%s: line %d of its help starts with a stray space: %q", c.CommandPath(), i+1, line)
			}
		}
		help := c.Long + c.Short + c.Example
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { help += f.Usage })
		for _, w := range inHouse {
			if strings.Contains(help, w) {
				t.Errorf("%s: its help says %q, a word of ours, not a user's", c.CommandPath(), w)
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// As kubectl: a verb's help lists its own flags and points at
// "kubectl mlexp options" for the global ones, which that command lists.
func TestGlobalFlagsBehindOptions(t *testing.T) {
	run := func(args ...string) string {
		var out bytes.Buffer
		root := NewCmdMlexp(genericiooptions.IOStreams{Out: &out, ErrOut: &out})
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	help := run("status", "--help")
	if strings.Contains(help, "--kubeconfig") || !strings.Contains(help, `Use "kubectl mlexp options" for a list of global command-line options`) {
		t.Errorf("status --help shows the global flags or no pointer to options:\n%s", help)
	}
	if !strings.Contains(help, "--watch") {
		t.Errorf("status --help lacks its own --watch:\n%s", help)
	}
	opts := run("options")
	for _, f := range []string{"--kubeconfig", "--context", "--namespace", "--server-loss-timeout"} {
		if !strings.Contains(opts, f) {
			t.Errorf("options lacks %s:\n%s", f, opts)
		}
	}
}

// Every verb that names trials completes them, as logs and status do:
// describe's TRIAL, retry's TRIAL... (those not yet given), delete's
// --trial; wait --for completes its values, not file names.
func TestVerbsCompleteTrials(t *testing.T) {
	mk := func(name string) *batchv1.Job {
		return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ml",
			Labels: map[string]string{keys.Experiment: "mnist", keys.Trial: name}}}
	}
	c := fake.NewClientset(mk("mnist-1a2b3c4d"), mk("mnist-9e9e9e9e"))
	getter := &kubefake.Getter{NS: "ml", Client: c}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"describe", "mnist", "1"}, []string{"1a2b3c4d"}},
		{[]string{"retry", "mnist", ""}, []string{"1a2b3c4d", "9e9e9e9e", "mnist-1a2b3c4d", "mnist-9e9e9e9e"}},
		{[]string{"retry", "mnist", "1a2b3c4d", "mnist-"}, []string{"mnist-9e9e9e9e"}},
		{[]string{"delete", "mnist", "--trial", "9"}, []string{"9e9e9e9e"}},
		{[]string{"wait", "mnist", "--for", ""}, []string{"succeeded", "finished"}},
	} {
		root := &cobra.Command{Use: "kubectl-mlexp"}
		for _, s := range Subcommands(getter, genericiooptions.NewTestIOStreamsDiscard()) {
			root.AddCommand(s)
		}
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&bytes.Buffer{})
		root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, tc.args...))
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if got := lines[:len(lines)-1]; strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%v: completed %q, want %q", tc.args, got, tc.want)
		}
	}
}

// A command whose experiment is missing from the namespace says where it
// does exist, so that the hint can be pasted (the first hour's "toy" in
// ux-toy); an experiment that exists nowhere gets the plain error.
func TestNotFoundSaysWhereItExists(t *testing.T) {
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "toy-1a2b3c4d", Namespace: "ux-toy",
		Labels: map[string]string{keys.Experiment: "toy", keys.Trial: "toy-1a2b3c4d"}}}
	getter := &kubefake.Getter{NS: "default", Client: fake.NewClientset(j)}
	for _, tc := range []struct{ exp, want string }{
		{"toy", `it exists in namespace "ux-toy": add -n ux-toy`},
		{"nope", `experiment "nope" not found in namespace "default"`},
	} {
		root := &cobra.Command{Use: "kubectl-mlexp"}
		for _, s := range Subcommands(getter, genericiooptions.NewTestIOStreamsDiscard()) {
			locateMissing(s, getter)
			root.AddCommand(s)
		}
		for _, verb := range []string{"status", "results", "describe", "wait"} {
			root.SetArgs([]string{verb, tc.exp})
			root.SetOut(&bytes.Buffer{})
			root.SetErr(&bytes.Buffer{})
			err := root.ExecuteContext(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s %s: err = %v, want it to say %q", verb, tc.exp, err, tc.want)
			}
			if tc.exp == "nope" && err != nil && strings.Contains(err.Error(), "exists in") {
				t.Errorf("%s nope: %v", verb, err)
			}
		}
	}
}

// One flag, one default: --max-log-requests means the same in every verb.
func TestMaxLogRequestsOneDefault(t *testing.T) {
	root := NewCmdMlexp(genericiooptions.NewTestIOStreamsDiscard())
	defaults := map[string][]string{}
	for _, c := range root.Commands() {
		if f := c.Flags().Lookup("max-log-requests"); f != nil {
			defaults[f.DefValue] = append(defaults[f.DefValue], c.Name())
		}
	}
	if len(defaults) != 1 {
		t.Errorf("--max-log-requests defaults differ between verbs: %v", defaults)
	}
}
