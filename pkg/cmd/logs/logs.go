// Package logs implements `kubectl mlexp logs`.
package logs

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// NewCmdLogs returns the logs command.
func NewCmdLogs(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "logs EXPERIMENT",
		Short: "Not implemented yet",
		RunE:  func(*cobra.Command, []string) error { return fmt.Errorf("logs: not implemented yet") },
	}
}
