package drive

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes/fake"
)

// shortLeases makes leases expire in a second for the test.
func shortLeases(t *testing.T) {
	d, r, p := LeaseDuration, RenewDeadline, RetryPeriod
	LeaseDuration, RenewDeadline, RetryPeriod = time.Second, 800*time.Millisecond, 100*time.Millisecond
	t.Cleanup(func() { LeaseDuration, RenewDeadline, RetryPeriod = d, r, p })
}

// Two drivers at once: the second waits, is told who holds the lease,
// and runs only after the first released it.
func TestLeadOneAtATime(t *testing.T) {
	shortLeases(t)
	c := fake.NewClientset()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var inside atomic.Int32
	release := make(chan struct{})
	firstIn := make(chan struct{})
	errs := make(chan error, 2)
	go func() {
		errs <- Lead(ctx, c, "ns", "exp", "a", nil, func(context.Context) error {
			inside.Add(1)
			close(firstIn)
			<-release
			inside.Add(-1)
			return nil
		})
	}()
	<-firstIn
	h, err := ReadHolder(ctx, c, "ns", "exp")
	if err != nil || h == nil || h.Identity != "a" {
		t.Fatalf("holder %+v, %v; want a", h, err)
	}
	waited := make(chan *Holder, 1)
	go func() {
		errs <- Lead(ctx, c, "ns", "exp", "b", func(h *Holder) { waited <- h }, func(context.Context) error {
			if n := inside.Add(1); n != 1 {
				t.Errorf("%d drivers inside at once", n)
			}
			inside.Add(-1)
			return errors.New("b ran")
		})
	}()
	select {
	case h := <-waited:
		if h.Identity != "a" {
			t.Errorf("b was told the lease is held by %q, want a", h.Identity)
		}
	case <-ctx.Done():
		t.Fatal("b was never told that a holds the lease")
	}
	close(release)
	if err := <-errs; err != nil {
		t.Errorf("a: %v", err)
	}
	if err := <-errs; err == nil || err.Error() != "b ran" {
		t.Errorf("b: %v, want fn's error", err)
	}
	if h, _ := ReadHolder(ctx, c, "ns", "exp"); h != nil {
		t.Errorf("lease still held by %+v after both returned", h)
	}
}

// A driver whose context ends while it waits returns at once.
func TestLeadCancelledWhileWaiting(t *testing.T) {
	shortLeases(t)
	c := fake.NewClientset()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hold := make(chan struct{})
	in := make(chan struct{})
	go Lead(ctx, c, "ns", "exp", "a", nil, func(context.Context) error { close(in); <-hold; return nil })
	<-in
	wctx, wcancel := context.WithCancel(ctx)
	err := Lead(wctx, c, "ns", "exp", "b", func(*Holder) { wcancel() }, func(context.Context) error {
		t.Error("b ran while a holds the lease")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	close(hold)
}
