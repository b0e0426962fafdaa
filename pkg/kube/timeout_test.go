package kube

import (
	"context"
	"testing"
	"time"
)

// TestWithTimeout checks that a positive timeout sets a deadline and that
// zero or a negative one leaves ctx unbounded.
func TestWithTimeout(t *testing.T) {
	for _, tc := range []struct {
		timeout  time.Duration
		deadline bool
	}{{time.Hour, true}, {0, false}, {-time.Second, false}} {
		ctx, cancel := WithTimeout(context.Background(), tc.timeout)
		_, ok := ctx.Deadline()
		cancel()
		if ok != tc.deadline {
			t.Errorf("WithTimeout(%v): deadline set = %v, want %v", tc.timeout, ok, tc.deadline)
		}
		if tc.deadline && ctx.Err() == nil {
			t.Errorf("WithTimeout(%v): cancel did not end the context", tc.timeout)
		}
	}
}
