package kube

import (
	"context"
	"time"
)

// WithTimeout returns ctx bounded by timeout, as the --timeout flags of
// report, results and wait mean it: a timeout of 0 or less bounds nothing
// and returns ctx itself. The caller calls cancel when done.
func WithTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, timeout)
}
