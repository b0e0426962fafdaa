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
		"Params": Params, "Index": Index, "SpecHash": SpecHash, "Results": Results, "ResultsSpec": ResultsSpec,
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
	if got := ForExperiment("mnist"); got != "mlexp.dev/experiment=mnist" {
		t.Errorf("ForExperiment = %q", got)
	}
	if got := AnyExperiment(); got != "mlexp.dev/experiment" {
		t.Errorf("AnyExperiment = %q", got)
	}
	cases := []struct {
		labels  k8slabels.Set
		mnist   bool
		anyExpr bool
	}{
		{k8slabels.Set{Experiment: "mnist", Trial: "mnist-1"}, true, true},
		{k8slabels.Set{Experiment: "mnist2"}, false, true},
		{k8slabels.Set{Experiment: ""}, false, true},
		{k8slabels.Set{Trial: "mnist-1"}, false, false},
		{nil, false, false},
	}
	for _, tc := range cases {
		for sel, want := range map[string]bool{ForExperiment("mnist"): tc.mnist, AnyExperiment(): tc.anyExpr} {
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
