package common

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Target is what a command about one experiment works on: the experiment's
// name from its first argument, the namespace and a client.
type Target struct {
	Experiment string
	Namespace  string
	Client     kubernetes.Interface
}

// ResolveTarget reads the experiment argument, the namespace and builds the
// client, in that order, so a bad argument fails before any connection.
func ResolveTarget(getter kube.Getter, args []string) (Target, error) {
	var t Target
	var err error
	if t.Experiment, err = ExperimentArg(args); err != nil {
		return t, err
	}
	if t.Namespace, err = getter.Namespace(); err != nil {
		return t, err
	}
	t.Client, err = getter.KubernetesClientSet()
	return t, err
}

// RefuseAllNamespaces gives a command about one experiment in one
// namespace kubectl's -A/--all-namespaces flag, hidden, that fails with an
// error saying what to do instead: an experiment lives in one namespace,
// and `list -A` finds it in any.
func RefuseAllNamespaces(cmd *cobra.Command) {
	var all bool
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "")
	_ = cmd.Flags().MarkHidden("all-namespaces")
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if all {
			return fmt.Errorf("-A/--all-namespaces: %s works on one experiment in one namespace: find it with `kubectl mlexp list -A`, then pass -n NAMESPACE", cmd.Name())
		}
		return nil
	}
}
