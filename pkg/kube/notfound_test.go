package kube

import (
	"fmt"
	"testing"
)

func TestNotFound(t *testing.T) {
	err := ExperimentNotFound("mnist", "team-a")
	want := `experiment "mnist" not found in namespace "team-a" (no Jobs with label mlexp.dev/experiment=mnist)`
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if !IsNotFound(fmt.Errorf("status: %w", err)) {
		t.Error("IsNotFound of a wrapped NotFoundError = false")
	}
	if IsNotFound(fmt.Errorf("experiment %q not found", "mnist")) {
		t.Error("IsNotFound of another error = true")
	}
}
