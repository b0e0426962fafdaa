// Command kubectl-mlexp is the kubectl plugin `kubectl mlexp`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Environment variables for measuring the plugin (see docs/performance.md):
// a CPU profile of the whole run and a heap profile at its end.
const (
	cpuProfileEnv = "MLEXP_CPUPROFILE"
	memProfileEnv = "MLEXP_MEMPROFILE"
)

// stopGrace is how long a command may take to stop after Ctrl-C or
// SIGTERM before the process exits anyway.
const stopGrace = 10 * time.Second

func main() {
	os.Exit(run())
}

func run() int {
	stopProfile := startProfiles()
	defer stopProfile()
	defer kube.PrintRequests(os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		// A second signal ends the process at once, the default way; a
		// command that does not stop in time is ended too.
		stop()
		time.Sleep(stopGrace)
		fmt.Fprintf(os.Stderr, "error: interrupted, and the command did not stop within %v\n", stopGrace)
		os.Exit(1)
	}()
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	if err := cmd.NewCmdMlexp(streams).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return common.ExitCode(err)
	}
	return 0
}

// startProfiles starts the profiles the environment asks for and returns
// the function that writes them.
func startProfiles() func() {
	var stops []func()
	if path := os.Getenv(cpuProfileEnv); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "warning: %s: %v\n", cpuProfileEnv, err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv(memProfileEnv); path != "" {
		runtime.MemProfileRate = 64 << 10
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "warning: %s: %v\n", memProfileEnv, err)
			}
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
