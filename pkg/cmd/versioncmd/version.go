// Package versioncmd implements `kubectl mlexp version`.
package versioncmd

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/version"
)

// Options holds the version command's flags.
type Options struct {
	genericiooptions.IOStreams
	// Output is -o: "" (one line), json or yaml, as kubectl version has it.
	Output string

	info version.Info
}

// NewCmdVersion returns the version command.
func NewCmdVersion(streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the plugin's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(nil, cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "Output format: json or yaml.")
	_ = cmd.RegisterFlagCompletionFunc("output", common.CompleteWords("json", "yaml"))
	return cmd
}

// Complete reads the build's identity; version needs no cluster, so f may be nil.
func (o *Options) Complete(_ kube.Getter, _ *cobra.Command, _ []string) error {
	o.info = version.Get()
	return nil
}

// Validate checks -o as kubectl version does.
func (o *Options) Validate() error {
	if o.Output != "" && o.Output != "json" && o.Output != "yaml" {
		return errors.New("--output: must be 'yaml' or 'json'")
	}
	return nil
}

// Run prints the version: one line, or the build's identity as JSON or YAML.
func (o *Options) Run() error {
	switch o.Output {
	case "json":
		b, err := json.MarshalIndent(o.info, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(o.Out, string(b))
		return err
	case "yaml":
		b, err := yaml.Marshal(o.info)
		if err != nil {
			return err
		}
		_, err = o.Out.Write(b)
		return err
	}
	fmt.Fprintf(o.Out, "kubectl-mlexp %s", o.info.Version)
	if o.info.Commit != "" {
		fmt.Fprintf(o.Out, " (commit %.12s)", o.info.Commit)
	}
	fmt.Fprintf(o.Out, " %s\n", o.info.GoVersion)
	return nil
}
