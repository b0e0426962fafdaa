package common

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
)

// FileFlags are the flags of a verb that reads an experiment file (submit,
// convert): -f and what the blog post's list format leaves out.
type FileFlags struct {
	Filename   string
	Name       string
	Command    string
	CPU        string
	Memory     string
	ParamNames []string
}

// AddFlags binds -f (required), --name (described by nameHelp), --command,
// --cpu, --memory and --param-names.
func (f *FileFlags) AddFlags(cmd *cobra.Command, nameHelp string) {
	fs := cmd.Flags()
	fs.StringVarP(&f.Filename, "filename", "f", "", "The experiment file (- reads stdin).")
	fs.StringVar(&f.Name, "name", "", nameHelp)
	fs.StringVar(&f.Command, "command", "", `List format: the container command, split on spaces (e.g. "python train.py").`)
	fs.StringVar(&f.CPU, "cpu", "", `List format: limits.cpu of every trial (e.g. "1").`)
	fs.StringVar(&f.Memory, "memory", "", `List format: limits.memory of every trial (e.g. "6Gi").`)
	fs.StringSliceVar(&f.ParamNames, "param-names", nil, "List format: names of the positional args (default arg1,arg2,...).")
	_ = cmd.MarkFlagRequired("filename")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml")
}

// Options returns what the flags tell the experiment loader.
func (f *FileFlags) Options() experiment.Options {
	opts := experiment.Options{Name: f.Name, CPU: f.CPU, Memory: f.Memory, ParamNames: f.ParamNames}
	if f.Command != "" {
		opts.Command = strings.Fields(f.Command)
	}
	return opts
}
