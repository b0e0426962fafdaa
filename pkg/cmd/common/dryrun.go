package common

import (
	"fmt"

	"github.com/spf13/cobra"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

// DryRun is the --dry-run mode of a writing command: kubectl's strategy.
type DryRun cmdutil.DryRunStrategy

const (
	// DryRunNone writes for real.
	DryRunNone = DryRun(cmdutil.DryRunNone)
	// DryRunClient renders and prints without contacting the cluster for writes.
	DryRunClient = DryRun(cmdutil.DryRunClient)
	// DryRunServer sends every write with dryRun=All so the API server
	// validates and admits it without persisting it.
	DryRunServer = DryRun(cmdutil.DryRunServer)
)

// AddDryRunFlag adds kubectl's own --dry-run flag (cmdutil's) to cmd, with
// completion of its values.
func AddDryRunFlag(cmd *cobra.Command) {
	cmdutil.AddDryRunFlag(cmd)
	_ = cmd.RegisterFlagCompletionFunc("dry-run", CompleteWords(DryRunValues...))
}

// ParseDryRun reads cmd's --dry-run as kubectl does (cmdutil's
// GetDryRunStrategy: bare --dry-run and true mean client, with kubectl's
// deprecation warning).
func ParseDryRun(cmd *cobra.Command) (DryRun, error) {
	s, err := cmdutil.GetDryRunStrategy(cmd)
	if err != nil {
		return DryRunNone, fmt.Errorf("--dry-run: %s", lowerFirst(err.Error()))
	}
	return DryRun(s), nil
}

// Suffix returns what kubectl appends to a line printed in this mode.
func (d DryRun) Suffix() string {
	switch d {
	case DryRunClient:
		return " (dry run)"
	case DryRunServer:
		return " (server dry run)"
	}
	return ""
}
