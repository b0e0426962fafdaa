package keys

// The keys of an adaptive search, on its trial Jobs: with the parameters
// and the index, they are the search's whole state (pkg/drive).
const (
	// Search is the annotation on every Job of an adaptive search holding
	// the experiment as the mlexp format writes it (gzip, base64): what
	// `kubectl mlexp tune` continues the search from, on any machine.
	Search = "mlexp.dev/search"
	// SearchMeta is the annotation holding what the search algorithm
	// attached to the trial's suggestion (a JSON object of strings).
	SearchMeta = "mlexp.dev/search-meta"
	// Objective is the annotation where the driver records a finished
	// trial's objective: its value by the metric strategy and its curve
	// (drive.Objective JSON), so the log is read once.
	Objective = "mlexp.dev/objective"
	// EarlyStopped is the annotation the driver sets, with its reason, on a
	// trial it stopped early; the trial's Job is suspended at the same time.
	EarlyStopped = "mlexp.dev/early-stopped"
)

// SearchEnd is the annotation the driver sets on the search's last trial
// (the highest index) when the search ends: how it ended (drive.End JSON).
// Status and wait read it for the ends the trials alone do not tell (the
// algorithm had nothing left to suggest); a later trial makes it stale.
const SearchEnd = "mlexp.dev/search-end"
