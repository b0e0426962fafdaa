// Package keys names the label and annotation keys that tie Kubernetes
// objects to an experiment, and the selectors built from them. Every
// command selects by these keys; nothing else records which objects belong
// to which experiment.
package keys

import (
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

const (
	// Group is the API group of the plugin's keys and of the list objects
	// its -o prints (no such API is served: nothing is installed).
	Group = "mlexp.dev"

	// Experiment is the label key whose value is the experiment's name; it is
	// set on every Job and on every pod template the plugin renders.
	Experiment = "mlexp.dev/experiment"
	// Trial is the label key whose value is the trial's name (also the Job's name).
	Trial = "mlexp.dev/trial"
	// Role is the label on an experiment's objects that are not trials,
	// whose value says what they are (RoleDriver); every trial selector
	// excludes the objects that carry it.
	Role = "mlexp.dev/role"
	// RoleDriver is the Role of the Job, pod, ServiceAccount, Role and
	// RoleBinding that run an adaptive search's driver in the cluster.
	RoleDriver = "driver"
	// ManagedBy is the standard label that says the plugin made the object.
	ManagedBy = "app.kubernetes.io/managed-by"
	// ManagedByValue is the value of ManagedBy on every object the plugin makes.
	ManagedByValue = "kubectl-mlexp"

	// Params is the annotation holding the trial's parameters as a JSON object
	// whose keys keep the order of the experiment file.
	Params = "mlexp.dev/params"
	// Index is the annotation holding the trial's 0-based position in the
	// expanded parameter space, so every listing can keep submission order.
	Index = "mlexp.dev/index"
	// SpecHash is the annotation holding a hash of the rendered Job spec, so a
	// re-submit can tell unchanged trials from changed ones without a diff.
	SpecHash = "mlexp.dev/spec-hash"
	// Results is the annotation on a trial's Job where `results` records the
	// metrics it parsed from a finished trial's log, so they outlive the pod.
	Results = "mlexp.dev/results"

	// ResultsSpec is the annotation on every Job where submit records the
	// experiment file's spec.results (metric, goal, patterns) as JSON, since
	// `results` reads only the cluster, never the file.
	ResultsSpec = "mlexp.dev/results-spec"

	// PeakUsage is the annotation on a trial's Job where `top -w --record`
	// and `report --watch --record` write the highest CPU and memory its pod
	// was seen using (cpumem.Peak JSON), so the report can set it against the
	// trial's limits after the pod is gone.
	PeakUsage = "mlexp.dev/peak-usage"

	// FieldManager is the server-side apply field manager of the plugin.
	FieldManager = "kubectl-mlexp"

	// KueueQueueName is Kueue's label naming the LocalQueue a Job is
	// submitted to; Kueue admits a suspended Job carrying it as quota allows.
	KueueQueueName = "kueue.x-k8s.io/queue-name"
	// KueueJobUID is the label Kueue puts on a Workload with the UID of the
	// Job it stands for.
	KueueJobUID = "kueue.x-k8s.io/job-uid"
)

// ForExperiment returns the selector of every trial of experiment exp: its
// Jobs and pods, never the objects that carry a Role (the search's driver).
func ForExperiment(exp string) string {
	return labels.NewSelector().Add(equals(Experiment, exp), NotRole()).String()
}

// AnyExperiment returns the selector of every trial of any experiment
// (objects that carry a Role excluded).
func AnyExperiment() string {
	return labels.NewSelector().Add(requirement(Experiment, selection.Exists), NotRole()).String()
}

// WholeExperiment returns the selector of every object of experiment exp:
// its trials and its driver (what delete removes last).
func WholeExperiment(exp string) string {
	return labels.Set{Experiment: exp}.String()
}

// NotRole is the requirement that keeps the objects carrying a Role (the
// driver's Job and pod) out of a trial selector.
func NotRole() labels.Requirement { return requirement(Role, selection.DoesNotExist) }

// requirement returns the requirement op on key with values; the keys and
// values are the plugin's own, so an invalid one is a bug.
func requirement(key string, op selection.Operator, values ...string) labels.Requirement {
	r, err := labels.NewRequirement(key, op, values)
	if err != nil {
		panic(err)
	}
	return *r
}

// equals returns the requirement key=value.
func equals(key, value string) labels.Requirement {
	return requirement(key, selection.Equals, value)
}
