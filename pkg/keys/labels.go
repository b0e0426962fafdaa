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

// ForExperiment returns the selector of every object of experiment exp.
func ForExperiment(exp string) string {
	return labels.Set{Experiment: exp}.String()
}

// AnyExperiment returns the selector of every object of any experiment.
func AnyExperiment() string {
	r, err := labels.NewRequirement(Experiment, selection.Exists, nil)
	if err != nil {
		panic(err) // a constant key cannot be invalid
	}
	return labels.NewSelector().Add(*r).String()
}
