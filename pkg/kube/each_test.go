package kube

import (
	"errors"
	"sync/atomic"
	"testing"
)

// TestWriteEach: every write runs even when some fail, never more than
// limit at once, and the errors come back by index.
func TestWriteEach(t *testing.T) {
	var running, most atomic.Int32
	gate := make(chan struct{})
	doneCalls := 0
	go func() {
		for range 10 {
			gate <- struct{}{}
		}
	}()
	errs := WriteEach(10, 3, func(i int) error {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-gate
		running.Add(-1)
		if i%4 == 1 {
			return errors.New("boom")
		}
		return nil
	}, func(int, error) { doneCalls++ })
	if len(errs) != 10 || errs[1] == nil || errs[5] == nil || errs[9] == nil || errs[0] != nil || errs[2] != nil {
		t.Errorf("errs = %v, want failures at 1, 5 and 9 only", errs)
	}
	if most.Load() > 3 {
		t.Errorf("%d writes ran at once, limit 3", most.Load())
	}
	if doneCalls != 10 {
		t.Errorf("done called %d times, want 10", doneCalls)
	}
	if errs := WriteEach(4, 2, func(int) error { return nil }, nil); errs != nil {
		t.Errorf("all succeeded: errs = %v, want nil", errs)
	}
}
