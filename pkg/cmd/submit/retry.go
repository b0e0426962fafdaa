package submit

import (
	"context"
	"errors"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// retryBackoff spaces the attempts of one write while the API server does
// not answer: 0.2 s doubling to at most 5 s, each with some jitter so 16
// writers do not come back at once.
var retryBackoff = wait.Backoff{Duration: 200 * time.Millisecond, Factor: 2, Jitter: 0.2, Steps: 10, Cap: 5 * time.Second}

// newReach follows the API server during one submit and says on stderr,
// once per outage, that writes are being retried, and for how long.
func (o *Options) newReach() *kube.Reach {
	timeout := o.LossTimeout
	if timeout <= 0 {
		timeout = kube.ServerLossTimeout
	}
	r := kube.NewReach(timeout)
	r.OnLoss = func(err error) {
		fmt.Fprintf(o.ErrOut, "warning: the API server does not answer (%v); retrying the writes for up to %v\n", err, timeout)
	}
	r.OnBack = func(down time.Duration) {
		fmt.Fprintf(o.ErrOut, "the API server answers again after %v; submitting on\n", down.Round(time.Second))
	}
	return r
}

// applyRetrying applies one trial, sending it again while the error is
// transient (the API server is unreachable, restarting or overloaded),
// until the server has not answered for the loss timeout. Once it is lost,
// the trials still queued are not tried: the user runs submit again.
// Server-side apply is idempotent, so a write the server made but could
// not confirm is simply made again; a create finds its Job there and
// applies it (see createJob).
func (o *Options) applyRetrying(ctx context.Context, i int, a Action, cur *batchv1.Job, reach *kube.Reach) (*batchv1.Job, error) {
	if err := reach.Lost(); err != nil {
		return nil, err
	}
	var job *batchv1.Job
	var last error
	err := retryBackoff.DelayFunc().Until(ctx, true, false, func(ctx context.Context) (bool, error) {
		start := reach.Start()
		job, last = o.applyOne(ctx, i, a, cur)
		if !kube.IsTransient(last) {
			reach.Observe(start, nil) // the server answered, yes or no
			return true, last
		}
		reach.Observe(start, last)
		if err := reach.Lost(); err != nil {
			return true, err
		}
		return false, nil
	})
	if err != nil && ctx.Err() != nil && last != nil {
		return nil, last // interrupted: say what the last attempt got
	}
	return job, err
}

// incomplete is the error of a submit that did not write every trial:
// one line saying how far it got, and why.
type incomplete struct {
	written, total int
	cause          error
	interrupted    bool
}

func (e *incomplete) Error() string {
	if e.interrupted {
		return fmt.Sprintf("interrupted: %d of %d trials written; run the same command again to finish", e.written, e.total)
	}
	return fmt.Sprintf("%d of %d trials written; run the same command again to finish (%v)", e.written, e.total, e.cause)
}

func (e *incomplete) Unwrap() error { return e.cause }

// lostOrFirst returns the error that explains a failed submit best: the
// loss of the API server if that is what happened, else the first failure.
func lostOrFirst(failed []error) error {
	for _, err := range failed {
		var lost *kube.LostError
		if errors.As(err, &lost) {
			return lost
		}
	}
	return failed[0]
}
