package common

import (
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
