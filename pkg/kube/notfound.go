package kube

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// NotFoundError says that no Job of an experiment exists in a namespace.
// Every command reports a missing experiment with it.
type NotFoundError struct {
	Experiment string
	Namespace  string
	// Elsewhere names the namespaces where the experiment does exist,
	// when one List across namespaces could tell (see Locate).
	Elsewhere []string
}

// Error implements error.
func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("experiment %q not found in namespace %q (no Jobs with label %s)",
		e.Experiment, e.Namespace, keys.WholeExperiment(e.Experiment))
	switch len(e.Elsewhere) {
	case 0:
		return msg
	case 1:
		return fmt.Sprintf("%s; it exists in namespace %q: add -n %s", msg, e.Elsewhere[0], e.Elsewhere[0])
	default:
		return fmt.Sprintf("%s; it exists in namespaces %s: add -n NAMESPACE (kubectl mlexp list -A lists them)", msg, strings.Join(e.Elsewhere, ", "))
	}
}

// locateLimit bounds the List that Locate makes: a few namespaces are
// enough to say where to look.
const locateLimit = 100

// Locate fills the Elsewhere of a NotFoundError in err from one List of
// the experiment's Jobs across namespaces (at most
// locateLimit); any other error, or a List the user may not make, leaves
// err as it is.
func Locate(ctx context.Context, g Getter, err error) error {
	var nf *NotFoundError
	if !errors.As(err, &nf) || len(nf.Elsewhere) > 0 {
		return err
	}
	c, cerr := g.KubernetesClientSet()
	if cerr != nil {
		return err
	}
	list, lerr := c.BatchV1().Jobs(metav1.NamespaceAll).List(ctx, metav1.ListOptions{
		LabelSelector: keys.ForExperiment(nf.Experiment), Limit: locateLimit})
	if lerr != nil {
		return err
	}
	seen := map[string]bool{}
	for _, j := range list.Items {
		if j.Namespace != nf.Namespace && !seen[j.Namespace] {
			seen[j.Namespace] = true
			nf.Elsewhere = append(nf.Elsewhere, j.Namespace)
		}
	}
	sort.Strings(nf.Elsewhere)
	return err
}

// ExperimentNotFound returns the error of an experiment without Jobs.
func ExperimentNotFound(experiment, namespace string) error {
	return &NotFoundError{Experiment: experiment, Namespace: namespace}
}

// IsNotFound reports whether err says an experiment does not exist.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}
