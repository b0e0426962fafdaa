package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// ForegroundOptions is what a driver run from a terminal needs.
type ForegroundOptions struct {
	Out, ErrOut io.Writer
	// Progress says ErrOut is a terminal: one progress line is redrawn.
	Progress    bool
	Client      kubernetes.Interface
	Namespace   string
	Exp         *experiment.Experiment
	MaxRequests int
	// Hint is the command that continues the search, shown when it is
	// interrupted.
	Hint string
}

// Foreground drives the search from a terminal (submit, tune) until it
// ends, and turns how it ended into an error: nil when it ended, an error
// when it failed (maxFailedTrialCount) or was interrupted (with the
// command that continues it).
func Foreground(ctx context.Context, o ForegroundOptions) error {
	d := &Driver{
		Client: o.Client, Namespace: o.Namespace, Exp: o.Exp, Identity: Identity(),
		Out: o.Out, ErrOut: o.ErrOut, Progress: o.Progress, MaxRequests: o.MaxRequests,
		LossTimeout: kube.ServerLossTimeout,
		Waiting: func(h *Holder) {
			ago := time.Since(h.Renewed).Round(time.Second)
			fmt.Fprintf(o.ErrOut, "the search of experiment %s is driven by %s (its lease renewed %v ago); waiting until it is released or expires\n", o.Exp.Name, h.Identity, ago)
		},
	}
	dec, err := d.Run(ctx)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted: the search of experiment %s stays as it is; continue it with:\n  %s", o.Exp.Name, o.Hint)
	case err != nil:
		return err
	case dec != nil && dec.End != nil && dec.End.Failed:
		return errors.New("the search failed: " + dec.End.Message)
	}
	return nil
}
