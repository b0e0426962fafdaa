// Package results implements `kubectl mlexp results`.
package results

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// NewCmdResults returns the results command.
func NewCmdResults(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "results EXPERIMENT",
		Short: "Not implemented yet",
		RunE:  func(*cobra.Command, []string) error { return fmt.Errorf("results: not implemented yet") },
	}
}
