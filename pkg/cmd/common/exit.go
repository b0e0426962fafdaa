package common

import "errors"

// ExitCoder is an error that asks for a given exit status, such as
// waiting.ExitError: a failed trial (1) or a timeout (2).
type ExitCoder interface {
	error
	ExitCode() int
}

// ExitCode returns the exit status for err: 0 for nil, an ExitCoder's
// code (when not 0), else 1.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() != 0 {
		return ec.ExitCode()
	}
	return 1
}

// WaitExitCodesHelp documents the exit status of `wait` and `submit --wait`.
const WaitExitCodesHelp = `Exit status: 0 when every trial succeeded (with --for=finished: when every trial
	has finished, whatever the outcome); 1 when a trial failed (they are named on stderr
	with their reasons; a failure wins over a timeout, since it is already certain) or on
	any other error; 2 when --timeout passed before every trial finished and none had
	failed ("timed out waiting for the condition on experiment/NAME").`
