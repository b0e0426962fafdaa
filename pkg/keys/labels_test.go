package keys

import (
	"testing"

	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// TestKeysAreValidAndDistinct: every key is a valid qualified name (the
// API server would refuse the object otherwise), and no two constants
// share a key.
func TestKeysAreValidAndDistinct(t *testing.T) {
	keys := map[string]string{
		"Experiment": Experiment, "Trial": Trial, "ManagedBy": ManagedBy,
		"Role": Role, "Params": Params, "Index": Index, "SpecHash": SpecHash, "Results": Results, "ResultsSpec": ResultsSpec,
	}
	seen := map[string]string{}
	for name, k := range keys {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			t.Errorf("%s = %q is not a valid key: %v", name, k, errs)
		}
		if other, dup := seen[k]; dup {
			t.Errorf("%s and %s are both %q", name, other, k)
		}
		seen[k] = name
	}
	if errs := validation.IsValidLabelValue(ManagedByValue); len(errs) > 0 {
		t.Errorf("ManagedByValue %q: %v", ManagedByValue, errs)
	}
	if errs := validation.IsValidLabelValue(FieldManager); len(errs) > 0 || len(FieldManager) > 128 {
		t.Errorf("FieldManager %q is not a valid manager name", FieldManager)
	}
}

func TestSelectors(t *testing.T) {
	if got := ForExperiment("mnist"); got != "mlexp.dev/experiment=mnist,!mlexp.dev/role" {
		t.Errorf("ForExperiment = %q", got)
	}
	if got := AnyExperiment(); got != "mlexp.dev/experiment,!mlexp.dev/role" {
		t.Errorf("AnyExperiment = %q", got)
	}
	cases := []struct {
		labels  k8slabels.Set
		mnist   bool
		anyExpr bool
		driver  bool
	}{
		{k8slabels.Set{Experiment: "mnist", Trial: "mnist-1"}, true, true, false},
		// The driver's Job and pod are never a trial, of this experiment or any.
		{k8slabels.Set{Experiment: "mnist", Role: RoleDriver}, false, false, true},
		{k8slabels.Set{Experiment: "mnist2", Role: RoleDriver}, false, false, false},
		{k8slabels.Set{Experiment: "mnist2"}, false, true, false},
		{k8slabels.Set{Experiment: ""}, false, true, false},
		{k8slabels.Set{Trial: "mnist-1"}, false, false, false},
		{nil, false, false, false},
	}
	for _, tc := range cases {
		for sel, want := range map[string]bool{ForExperiment("mnist"): tc.mnist, AnyExperiment(): tc.anyExpr, ForDriver("mnist"): tc.driver} {
			s, err := k8slabels.Parse(sel)
			if err != nil {
				t.Fatalf("selector %q does not parse: %v", sel, err)
			}
			if got := s.Matches(tc.labels); got != want {
				t.Errorf("%q matches %v = %v, want %v", sel, tc.labels, got, want)
			}
		}
	}
}
