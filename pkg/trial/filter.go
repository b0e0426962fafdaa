package trial

import (
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// Filter chooses trials of one experiment by name and by parameters; the
// label selector of a command is applied by the API server, not here.
type Filter struct {
	// Names are full trial names; empty keeps every trial.
	Names []string
	// Params keeps the trials whose parameters match; empty keeps all.
	Params params.Selector
}

// Empty reports whether the filter keeps every trial.
func (f *Filter) Empty() bool { return len(f.Names) == 0 && len(f.Params) == 0 }

// Match reports whether the filter keeps s.
func (f *Filter) Match(s *Status) bool {
	if len(f.Names) > 0 && !contains(f.Names, s.Name) {
		return false
	}
	return f.Params.Matches(s.Params)
}

// Apply returns the statuses the filter keeps, in their order, and the
// names of Names that match no status.
func (f *Filter) Apply(all []Status) (kept []Status, missing []string) {
	seen := make(map[string]bool, len(all))
	for i := range all {
		seen[all[i].Name] = true
		if f.Match(&all[i]) {
			kept = append(kept, all[i])
		}
	}
	for _, n := range f.Names {
		if !seen[n] {
			missing = append(missing, n)
		}
	}
	return kept, missing
}

// FullName returns the name of a trial of experiment exp given as its full
// name or as the hash part after "EXP-".
func FullName(exp, name string) string {
	if strings.HasPrefix(name, exp+"-") {
		return name
	}
	return exp + "-" + name
}

func contains(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}
