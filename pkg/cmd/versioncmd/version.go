// Package versioncmd implements `kubectl mlexp version`.
package versioncmd

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/mlexp/kubectl-mlexp/pkg/version"
)

// NewCmdVersion returns the version command.
func NewCmdVersion(streams genericiooptions.IOStreams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the plugin's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := version.Get()
			switch output {
			case "":
				fmt.Fprintf(streams.Out, "kubectl-mlexp %s", info.Version)
				if info.Commit != "" {
					fmt.Fprintf(streams.Out, " (commit %.12s)", info.Commit)
				}
				fmt.Fprintf(streams.Out, " %s\n", info.GoVersion)
			case "json":
				b, _ := json.MarshalIndent(info, "", "  ")
				fmt.Fprintln(streams.Out, string(b))
			case "yaml":
				b, _ := yaml.Marshal(info)
				fmt.Fprint(streams.Out, string(b))
			default:
				return fmt.Errorf("--output: unknown format %q (allowed: json, yaml)", output)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "Output format: json or yaml.")
	return cmd
}
