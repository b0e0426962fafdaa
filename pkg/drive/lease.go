package drive

import (
	"context"

	"errors"
	"fmt"
	"github.com/go-logr/logr"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/klog/v2"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// The timings of the search's Lease. A driver renews its lease every
// RetryPeriod; one that stops renewing (killed, its laptop closed) loses
// it LeaseDuration after its last renewal, and another driver takes over.
// Variables so tests can run on short leases.
var (
	LeaseDuration = 20 * time.Second
	RenewDeadline = 15 * time.Second
	RetryPeriod   = 3 * time.Second
)

// ErrLostLease is returned by Lead when the driver could not renew its
// lease in time (the API server did not answer): another driver may hold
// it now, so this one stopped.
var ErrLostLease = errors.New("lost the search's lease: the API server did not answer in time to renew it")

// LeaseName returns the name of the Lease that guards experiment exp's
// search, in the experiment's namespace.
func LeaseName(exp string) string { return "mlexp-" + exp }

// Identity returns the name a driver holds the lease under: the host name
// (the pod's name in a cluster) and the process id.
func Identity() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return host + "/" + strconv.Itoa(os.Getpid())
}

// Holder is who holds a search's lease, as the Lease says.
type Holder struct {
	Identity string    `json:"identity"`
	Renewed  time.Time `json:"renewed"`
	// Duration is how long after Renewed the lease expires.
	Duration time.Duration `json:"duration"`
}

// Expired reports whether the lease has expired at now.
func (h *Holder) Expired(now time.Time) bool { return !now.Before(h.Renewed.Add(h.Duration)) }

// ReadHolder returns who holds experiment exp's lease in namespace ns, or
// nil when no driver holds it (no Lease, or released).
func ReadHolder(ctx context.Context, c kubernetes.Interface, ns, exp string) (*Holder, error) {
	l, err := c.CoordinationV1().Leases(ns).Get(ctx, LeaseName(exp), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := l.Spec
	if s.HolderIdentity == nil || *s.HolderIdentity == "" {
		return nil, nil
	}
	h := &Holder{Identity: *s.HolderIdentity}
	if s.RenewTime != nil {
		h.Renewed = s.RenewTime.Time
	} else if s.AcquireTime != nil {
		h.Renewed = s.AcquireTime.Time
	}
	if s.LeaseDurationSeconds != nil {
		h.Duration = time.Duration(*s.LeaseDurationSeconds) * time.Second
	}
	return h, nil
}

// Lead runs fn while holding experiment exp's lease under identity. While
// another driver holds it, Lead waits, calling waiting once with that
// holder; it takes the lease once it is released or has expired. It
// releases the lease when fn returns, and returns fn's error; ErrLostLease
// when the lease could not be renewed (fn's context is cancelled then); or
// ctx's error when ctx ended before the lease was won.
func Lead(ctx context.Context, c kubernetes.Interface, ns, exp, identity string, waiting func(*Holder), fn func(context.Context) error) error {
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: LeaseName(exp), Namespace: ns},
		Client:     c.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: identity},
		Labels:     map[string]string{keys.Experiment: exp, keys.ManagedBy: keys.ManagedByValue},
	}
	var (
		started  = make(chan struct{})
		done     = make(chan struct{})
		returned atomic.Bool
		fnErr    error
		warned   atomic.Bool
	)
	// client-go's leader election logs each attempt through the context's
	// logger; the driver says what matters itself.
	lctx, cancel := context.WithCancel(klog.NewContext(ctx, logr.Discard()))
	defer cancel()
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		LeaseDuration:   LeaseDuration,
		RenewDeadline:   RenewDeadline,
		RetryPeriod:     RetryPeriod,
		ReleaseOnCancel: true,
		Name:            LeaseName(exp),
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(c context.Context) {
				defer close(done)
				close(started)
				fnErr = fn(c)
				returned.Store(true)
				cancel()
			},
			OnStoppedLeading: func() {},
			OnNewLeader: func(id string) {
				if id == identity || waiting == nil || warned.Swap(true) {
					return
				}
				h, err := ReadHolder(ctx, c, ns, exp)
				if err != nil || h == nil {
					h = &Holder{Identity: id}
				}
				waiting(h)
			},
		},
	})
	if err != nil {
		return err
	}
	le.Run(lctx)
	select {
	case <-started:
	default:
		// Run gives up waiting for the lease only when ctx ends.
		return ctx.Err()
	}
	// Run returns once fn returned, once ctx ended, or once a renewal
	// failed: then fn's context is cancelled and fn is still running.
	lost := !returned.Load() && ctx.Err() == nil
	<-done
	if lost {
		if fnErr != nil && !errors.Is(fnErr, context.Canceled) {
			return fmt.Errorf("%w (and then: %v)", ErrLostLease, fnErr)
		}
		return ErrLostLease
	}
	return fnErr
}
