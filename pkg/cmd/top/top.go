// Package top implements `kubectl mlexp top`.
package top

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// NewCmdTop returns the top command.
func NewCmdTop(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "top EXPERIMENT",
		Short: "Not implemented yet",
		RunE:  func(*cobra.Command, []string) error { return fmt.Errorf("top: not implemented yet") },
	}
}
