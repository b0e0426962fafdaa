package keys

// Keys of a trial's life after submit: its earlier attempts, the resource
// override a retry made, and what lets `results` tell which trials are gone.
const (
	// Attempts is the annotation on a retried trial's Job holding its
	// earlier attempts as a JSON list, oldest first: how each ended (state,
	// reason, exit code), the memory limits it ran with, when and where.
	Attempts = "mlexp.dev/attempts"
	// Override is the annotation on a retried trial's Job recording the
	// resources a retry changed (container, field, the file's value, the new
	// value) and the spec hash of the Job the file renders, so a re-submit
	// of the unchanged file applies the same override and finds no change.
	Override = "mlexp.dev/override"
	// TrialCount is the annotation on every Job holding how many trials the
	// experiment file expanded to when it was submitted, so `results` can
	// say how many trials have no Job any more (ttlSecondsAfterFinished,
	// delete --trial).
	TrialCount = "mlexp.dev/trial-count"
)
