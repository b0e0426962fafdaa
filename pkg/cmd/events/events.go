// Package events implements `kubectl mlexp events`.
package events

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// NewCmdEvents returns the events command.
func NewCmdEvents(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "events EXPERIMENT",
		Short: "Not implemented yet",
		RunE:  func(*cobra.Command, []string) error { return fmt.Errorf("events: not implemented yet") },
	}
}
