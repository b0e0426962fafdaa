// Command release builds kubectl-mlexp's release archives reproducibly and
// keeps the krew manifest (plugins/mlexp.yaml) in step with them.
//
// It lays archives out exactly as .goreleaser.yaml does (same names, entry
// order, modes, owner and mtime, gzip level), so CI can build and install a
// release archive without goreleaser. Run it from the repository root:
//
//	go run ./hack/release source
//	go run ./hack/release build    -version v0.1.0 -dist dist [-platforms linux/amd64]
//	go run ./hack/release image    -version v0.1.0 -o dist/image
//	go run ./hack/release manifest -version v0.1.0 -dist dist -o plugins/mlexp.yaml
//	go run ./hack/release check    [-manifest plugins/mlexp.yaml] [-strict]
//	go run ./hack/release localize -manifest plugins/mlexp.yaml -archive A -o out.yaml
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

const usage = `usage: go run ./hack/release COMMAND [flags]

commands:
  source    print the source commit and date the release is stamped with
  build     build release archives and checksums.txt into -dist
  image     build the plugin's image (linux/amd64, linux/arm64) as an OCI layout, as .goreleaser.yaml's kos publishes it
  manifest  render krew.yaml into a krew manifest for the archives in -dist
  check     validate plugins/mlexp.yaml; rebuild and compare its sha256 values
            when it was generated from the current source
  localize  copy a manifest, setting the sha256 of ARCHIVE's platform to ARCHIVE's
  version   print a manifest's spec.version
  stale     say why a manifest's sha256 values need not match a rebuild of
            the current source (prints nothing when they must match)

Run "go run ./hack/release COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "release:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "source":
		return runSource(args, stdout, stderr)
	case "build":
		return runBuild(ctx, args, stdout, stderr)
	case "image":
		return runImage(ctx, args, stdout, stderr)
	case "manifest":
		return runManifest(args, stdout, stderr)
	case "check":
		return runCheck(ctx, args, stdout, stderr)
	case "localize":
		return runLocalize(args, stdout, stderr)
	case "version":
		return runVersion(args, stdout, stderr)
	case "stale":
		return runStale(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// newFlags returns a flag set for a subcommand that reports to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
