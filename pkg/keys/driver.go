package keys

import "k8s.io/apimachinery/pkg/labels"

// ForDriver returns the selector of the objects that run experiment exp's
// search in the cluster: its driver's Job, pods, ServiceAccount, Role and
// RoleBinding.
func ForDriver(exp string) string {
	return labels.NewSelector().Add(equals(Experiment, exp), equals(Role, RoleDriver)).String()
}

// IsDriver reports whether an object's labels make it part of a driver
// rather than a trial.
func IsDriver(l map[string]string) bool {
	_, ok := l[Role]
	return ok
}
