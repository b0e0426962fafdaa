package kube

import (
	"context"

	"golang.org/x/sync/errgroup"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
)

// ListJobsAndPods lists the Jobs and the pods matching selector in
// namespace ns concurrently: the two calls every status view needs. It
// returns the state of the experiment: the Jobs without their pod template
// (the pods have what it says), the pods trimmed as ListPods does. A call
// that fails does not cancel the other (see Reads).
func ListJobsAndPods(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]batchv1.Job, []corev1.Pod, error) {
	var jobs []batchv1.Job
	var pods []corev1.Pod
	g := Reads()
	g.Go(func() (err error) {
		jobs, err = listJobs(ctx, c, ns, selector, trimJobState)
		return err
	})
	g.Go(func() (err error) {
		pods, err = ListPods(ctx, c, ns, selector)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	return jobs, pods, nil
}

// Reads returns the group for a few concurrent reads whose first error is
// returned once all have ended. Unlike errgroup.WithContext, a failed read
// does not cancel its siblings: a List cancelled while its response is read
// makes client-go log "Unexpected error when reading response body ...
// context canceled" on stderr, a second line under the error that matters
// (a forbidden List, say). The reads are short; waiting for them is cheap.
func Reads() *errgroup.Group { return new(errgroup.Group) }
