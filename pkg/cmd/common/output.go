// Package common holds what every command shares: experiment-name
// arguments and their completion, and the output formats of kubectl.
package common

import (
	"fmt"
	"io"

	"k8s.io/cli-runtime/pkg/printers"
)

// NoResources prints kubectl's message for an empty result to w (stderr).
func NoResources(w io.Writer, namespace string, allNamespaces bool) {
	if allNamespaces || namespace == "" {
		fmt.Fprintln(w, "No resources found")
		return
	}
	fmt.Fprintf(w, "No resources found in %s namespace.\n", namespace)
}

// ValidateOutput checks an -o value against the formats a command supports.
func ValidateOutput(output string, allowed ...string) error {
	for _, a := range allowed {
		if output == a {
			return nil
		}
	}
	return fmt.Errorf("--output: unknown format %q (allowed: %v)", output, allowed)
}

// IsTerminal reports whether w is a terminal (cli-runtime's
// printers.IsTerminal): the default of every command's terminal seam. A
// pipe gets no colour, bars, progress or redraws unless asked.
func IsTerminal(w io.Writer) bool { return printers.IsTerminal(w) }
