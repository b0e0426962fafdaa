package kube

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// DefaultServerLossTimeout is how long a long-running command (a watch, a
// submit retrying its writes) goes on while the API server does not
// answer before it ends with an error. An API server that restarts is
// back well within it.
const DefaultServerLossTimeout = 2 * time.Minute

// ServerLossTimeout is the loss timeout of this run of the plugin: the
// --server-loss-timeout flag (AddServerLossFlag) sets it.
var ServerLossTimeout = DefaultServerLossTimeout

// ServerLossFlag is the name of the flag that sets ServerLossTimeout.
const ServerLossFlag = "server-loss-timeout"

// AddServerLossFlag adds --server-loss-timeout, which sets ServerLossTimeout.
func AddServerLossFlag(fs *pflag.FlagSet) {
	fs.Var((*lossTimeout)(&ServerLossTimeout), ServerLossFlag,
		"How long watches (-w, logs -f) and submit's retries go on while the API server does not answer, before they end with an error.")
}

// lossTimeout is a pflag.Value of a positive duration.
type lossTimeout time.Duration

// String implements pflag.Value.
func (l *lossTimeout) String() string { return time.Duration(*l).String() }

// Type implements pflag.Value.
func (l *lossTimeout) Type() string { return "duration" }

// Set implements pflag.Value.
func (l *lossTimeout) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("must be positive, got %v", d)
	}
	*l = lossTimeout(d)
	return nil
}

// Reach follows whether the API server answers a command's requests, so
// that a command that would otherwise retry forever (an informer does)
// can give up once the server has not answered for Timeout, and say so.
// It is safe for concurrent use.
type Reach struct {
	// Timeout is how long the server may fail every request before Lost
	// returns an error.
	Timeout time.Duration
	// OnLoss, if set, is called (once per outage) when a request fails
	// after the server had answered; OnBack when it answers again.
	OnLoss func(err error)
	OnBack func(down time.Duration)
	// Now returns the current time; tests fix it.
	Now func() time.Time

	mu    sync.Mutex
	since time.Time // first failure since the last answer; zero while answering
	last  error     // the latest failure
}

// NewReach returns a Reach that gives up after timeout.
func NewReach(timeout time.Duration) *Reach {
	return &Reach{Timeout: timeout}
}

func (r *Reach) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Observe records the outcome of one request that started at start: nil,
// or an error the server sent about the request itself (an expired
// resource version), means it answered; any other error is a failure, and
// the first of an outage starts the clock. A success of a request sent
// before the outage began says nothing about the server now: concurrent
// requests finish in any order.
func (r *Reach) Observe(start time.Time, err error) {
	if err != nil && (errors.Is(err, context.Canceled) || apierrors.IsResourceExpired(err) || apierrors.IsGone(err)) {
		return
	}
	r.mu.Lock()
	var loss error
	var back time.Duration
	switch {
	case err == nil && !r.since.IsZero() && start.Before(r.since):
	case err == nil:
		if !r.since.IsZero() {
			back = r.now().Sub(r.since)
		}
		r.since, r.last = time.Time{}, nil
	default:
		if r.since.IsZero() {
			r.since = r.now()
			loss = err
		}
		r.last = err
	}
	r.mu.Unlock()
	switch {
	case loss != nil && r.OnLoss != nil:
		r.OnLoss(loss)
	case back > 0 && r.OnBack != nil:
		r.OnBack(back)
	}
}

// Start returns the time to pass to Observe for a request sent now.
func (r *Reach) Start() time.Time { return r.now() }

// Down reports whether the latest request failed.
func (r *Reach) Down() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.since.IsZero()
}

// Lost returns a *LostError once every request has failed for Timeout,
// else nil.
func (r *Reach) Lost() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.since.IsZero() || r.now().Sub(r.since) < r.Timeout {
		return nil
	}
	return &LostError{For: r.Timeout, Last: r.last}
}

// Wait returns Lost's error once there is one, checking every second, or
// nil when ctx ends.
func (r *Reach) Wait(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		if err := r.Lost(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// LostError says the API server failed every request for a while.
type LostError struct {
	For  time.Duration
	Last error
}

// Error implements error.
func (e *LostError) Error() string {
	if IsTransient(e.Last) {
		return fmt.Sprintf("the API server has not answered for %v: %v", e.For, e.Last)
	}
	return fmt.Sprintf("every request has failed for %v: %v", e.For, e.Last)
}

// Unwrap returns the last failure.
func (e *LostError) Unwrap() error { return e.Last }

// ListFunc lists objects of one kind; WatchFunc watches them.
type (
	ListFunc  func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error)
	WatchFunc func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
)

// ListWatch returns an informer's ListerWatcher over list and watch whose
// every call r observes. client is the clientset behind them: fake
// clientsets do not support watch-list streams, and the informer must know.
func (r *Reach) ListWatch(client any, list ListFunc, watchFn WatchFunc) cache.ListerWatcher {
	return cache.ToListWatcherWithWatchListSemantics(&cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			start := r.Start()
			obj, err := list(ctx, opts)
			r.Observe(start, err)
			return obj, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			start := r.Start()
			w, err := watchFn(ctx, opts)
			r.Observe(start, err)
			return w, err
		},
	}, client)
}
