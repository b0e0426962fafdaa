package kube

import (
	"errors"
	"fmt"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// NotFoundError says that no Job of an experiment exists in a namespace.
// Every command reports a missing experiment with it.
type NotFoundError struct {
	Experiment string
	Namespace  string
}

// Error implements error.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("experiment %q not found in namespace %q (no Jobs with label %s)",
		e.Experiment, e.Namespace, keys.ForExperiment(e.Experiment))
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
