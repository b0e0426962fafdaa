package common

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// ExperimentKind is the resource name `list -o name` prints before an
// experiment's name, and that every experiment argument accepts.
const ExperimentKind = "experiment"

// ExperimentArg returns the experiment name of a command's first argument
// (NAME, or experiment/NAME as `list -o name` prints it), or a clear error
// when it is missing or cannot name an experiment.
func ExperimentArg(args []string) (string, error) {
	if len(args) == 0 || args[0] == "" {
		return "", fmt.Errorf("an experiment name is required (see `kubectl mlexp list`)")
	}
	return ExperimentName(args[0])
}

// ExperimentName checks one experiment argument: a name, or what
// `list -o name` prints (experiment/NAME).
func ExperimentName(arg string) (string, error) {
	name := arg
	if kind, rest, ok := strings.Cut(name, "/"); ok {
		if kind != ExperimentKind && kind != ExperimentKind+"s" && kind != ExperimentKind+"."+keys.Group {
			return "", fmt.Errorf("%q is not an experiment: give NAME or %s/NAME", name, ExperimentKind)
		}
		name = rest
	}
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return "", fmt.Errorf("invalid experiment name %q: %s", name, strings.Join(errs, "; "))
	}
	return name, nil
}

// CompleteExperiments returns a cobra completion function offering the
// experiment names of the namespace, from one List of Jobs by label.
func CompleteExperiments(getter kube.Getter) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names, err := ExperimentNames(cmd.Context(), getter)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []string
		for _, n := range names {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// ExperimentNames lists the distinct experiment names in the namespace.
func ExperimentNames(ctx context.Context, getter kube.Getter) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ns, err := getter.Namespace()
	if err != nil {
		return nil, err
	}
	c, err := getter.KubernetesClientSet()
	if err != nil {
		return nil, err
	}
	jobs, err := kube.ListJobs(ctx, c, ns, keys.AnyExperiment())
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, j := range jobs {
		n := j.Labels[keys.Experiment]
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// FileFlagArgs refuses arguments of a verb that reads its file from -f,
// with the command line the user probably meant (cobra says "unknown
// command" otherwise).
func FileFlagArgs(verb string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return fmt.Errorf("%s takes no arguments: pass the experiment file with -f, as in \"kubectl mlexp %s -f %s\"", verb, verb, args[0])
	}
}
