// Package trial derives a trial's state from its Job and the Job's pods, the
// way a person reading `kubectl describe` would: Pending with the scheduler's
// reason, Running, Succeeded, Failed with a reason and exit code, OOMKilled
// with the memory limit it hit, Suspended, or Unknown when its node stopped
// reporting.
package trial

import "strings"

// State is the phase of one trial as the plugin reports it.
type State string

const (
	// Pending means the trial's pod is not running yet: not created, not
	// scheduled (the scheduler's message says why), or its containers are
	// being created or cannot start.
	Pending State = "Pending"
	// Running means a container of the trial's pod is running.
	Running State = "Running"
	// Succeeded means the trial's Job completed.
	Succeeded State = "Succeeded"
	// Failed means the trial's Job failed for a reason other than memory.
	Failed State = "Failed"
	// OOMKilled means the trial failed because a container hit its memory limit.
	OOMKilled State = "OOMKilled"
	// Suspended means the trial's Job is suspended by hand (submit
	// --suspend, kubectl mlexp suspend), or its Kueue Workload is
	// deactivated: nothing will start it until it is resumed.
	Suspended State = "Suspended"
	// Queued means the trial's Job waits, suspended, for Kueue to admit its
	// Workload as its queue's quota allows.
	Queued State = "Queued"
	// Unknown means the trial's pod is on a node that stopped reporting
	// (NotReady): it may still run, or not.
	Unknown State = "Unknown"
	// EarlyStopped means an adaptive search's driver stopped the trial
	// because it fell behind (median stopping): its Job is suspended and
	// carries the reason (keys.EarlyStopped). As in Katib it counts as a
	// success: its last reported value stands as its objective.
	EarlyStopped State = "EarlyStopped"
)

// States lists every state in the order summaries print them.
var States = []State{Running, Unknown, Pending, Queued, Suspended, Succeeded, EarlyStopped, Failed, OOMKilled}

// Finished reports whether a trial in state s will not change any more.
func (s State) Finished() bool {
	return s == Succeeded || s == Failed || s == OOMKilled || s == EarlyStopped
}

// Successful reports whether a finished trial counts as a success:
// succeeded, or stopped early by its search.
func (s State) Successful() bool { return s == Succeeded || s == EarlyStopped }

// Words returns the state as a summary line writes it: lowercase words
// ("early stopped").
func (s State) Words() string {
	if s == EarlyStopped {
		return "early stopped"
	}
	return strings.ToLower(string(s))
}
