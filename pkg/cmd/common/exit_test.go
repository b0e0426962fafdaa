package common

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/waiting"
)

func TestExitCode(t *testing.T) {
	timeout := &waiting.ExitError{Code: 2, Err: errors.New("timed out")}
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), 1},
		{timeout, 2},
		{fmt.Errorf("wait: %w", timeout), 2},
		{&waiting.ExitError{Err: errors.New("no code")}, 1},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if timeout.Error() != "timed out" || !errors.Is(fmt.Errorf("x: %w", timeout), timeout.Err) {
		t.Error("ExitError does not read or unwrap as its error")
	}
}

func TestExperimentName(t *testing.T) {
	for arg, want := range map[string]string{"mnist": "mnist", "experiment/mnist": "mnist", "experiments/mnist": "mnist"} {
		if got, err := ExperimentName(arg); err != nil || got != want {
			t.Errorf("ExperimentName(%q) = %q, %v; want %q", arg, got, err, want)
		}
	}
	for _, arg := range []string{"job/mnist", "Mnist", "experiment/"} {
		if _, err := ExperimentName(arg); err == nil {
			t.Errorf("ExperimentName(%q): no error", arg)
		}
	}
}
