package common

import (
	"fmt"

	"github.com/spf13/pflag"
)

// DryRun is the --dry-run mode of a writing command.
type DryRun int

const (
	// DryRunNone writes for real.
	DryRunNone DryRun = iota
	// DryRunClient renders and prints without contacting the cluster for writes.
	DryRunClient
	// DryRunServer sends every write with dryRun=All so the API server
	// validates and admits it without persisting it.
	DryRunServer
)

// AddDryRunFlag adds kubectl's --dry-run flag (bare --dry-run means client).
func AddDryRunFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "dry-run", "none", `Must be "none", "server", or "client". With client, only print the objects that would be sent; with server, the API server validates them without persisting them.`)
	fs.Lookup("dry-run").NoOptDefVal = "client"
}

// ParseDryRun reads a --dry-run value.
func ParseDryRun(v string) (DryRun, error) {
	switch v {
	case "", "none", "false":
		return DryRunNone, nil
	case "client", "true":
		return DryRunClient, nil
	case "server":
		return DryRunServer, nil
	}
	return DryRunNone, fmt.Errorf(`--dry-run: invalid value %q, must be "none", "server", or "client"`, v)
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
