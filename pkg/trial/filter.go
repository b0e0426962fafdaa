package trial

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/suggest"
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
// names of Names that match no status. It fails when Params names a
// parameter that none of all has (see CheckParams), so that a typo is an
// error rather than an empty answer.
func (f *Filter) Apply(all []Status) (kept []Status, missing []string, err error) {
	if err := f.CheckParams(all); err != nil {
		return nil, nil, err
	}
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
	return kept, missing, nil
}

// CheckParams returns an error naming --param-selector (where Params come
// from in every command) when Params names a parameter that no status of
// all has, with the closest known name and the list of known names. No
// statuses (an experiment with no trials yet) check nothing.
func (f *Filter) CheckParams(all []Status) error {
	if len(f.Params) == 0 || len(all) == 0 {
		return nil
	}
	known := map[string]bool{}
	var names []string
	for i := range all {
		for _, n := range all[i].Params.Names() {
			if !known[n] {
				known[n] = true
				names = append(names, n)
			}
		}
	}
	for _, n := range f.Params.Names() {
		if known[n] {
			continue
		}
		sort.Strings(names)
		msg := fmt.Sprintf("--param-selector: experiment %q has no parameter %q", all[0].Experiment, n)
		if c := suggest.Closest(n, names); c != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", c)
		}
		if len(names) == 0 {
			return errors.New(msg + "; it has no parameters")
		}
		return errors.New(msg + "; its parameters: " + strings.Join(names, ", "))
	}
	return nil
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
