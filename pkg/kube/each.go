package kube

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

// WriteEach runs write(i) for every i in [0, n), at most limit at once,
// and waits for them all: a failed write stops none of the others, so a
// command tries every object and a re-run finds less to do (submit,
// retry, suspend and resume). done, when not nil, is called after each
// write, one call at a time. It returns each write's error by index (nil
// for those that succeeded), or nil when all did.
func WriteEach(n, limit int, write func(i int) error, done func(i int, err error)) []error {
	errs := make([]error, n)
	failed := false
	var mu sync.Mutex
	g := new(errgroup.Group)
	g.SetLimit(limit)
	for i := range n {
		g.Go(func() error {
			err := write(i)
			mu.Lock()
			defer mu.Unlock()
			errs[i] = err
			failed = failed || err != nil
			if done != nil {
				done(i, err)
			}
			return nil
		})
	}
	_ = g.Wait()
	if !failed {
		return nil
	}
	return errs
}
