package main

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

// RenderJobs renders the experiment file as submit does and returns its
// Jobs in namespace ns.
func RenderJobs(file, ns string) ([]*batchv1.Job, time.Duration, error) {
	start := time.Now()
	exp, err := experiment.Load(file, experiment.Options{})
	if err != nil {
		return nil, 0, err
	}
	trials, _, err := render.Render(exp)
	if err != nil {
		return nil, 0, err
	}
	jobs := make([]*batchv1.Job, len(trials))
	for i, t := range trials {
		t.Job.Namespace = ns
		jobs[i] = t.Job
	}
	return jobs, time.Since(start), nil
}

// RawCreate creates jobs with plain client-go Creates, workers at a time,
// through a client with cfg's rate limit, and counts its requests the way
// the plugin does. It is the baseline submit is compared with.
func RawCreate(ctx context.Context, cfg *rest.Config, jobs []*batchv1.Job, workers int) Run {
	counter := &kube.RequestCounter{}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(counter.Wrap)
	run := Run{Args: []string{"client-go", "create", fmt.Sprint(len(jobs)), "jobs"}, Requests: -1, PeakOpen: -1}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		run.Err = err
		return run
	}
	start := time.Now()
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, j := range jobs {
		g.Go(func() error {
			_, err := client.BatchV1().Jobs(j.Namespace).Create(ctx, j, metav1.CreateOptions{})
			if err != nil {
				return fmt.Errorf("create job %s: %w", j.Name, err)
			}
			return nil
		})
	}
	run.Err = g.Wait()
	run.Wall = time.Since(start)
	run.Requests, run.Detail, run.PeakOpen = counter.Total(), counter.String(), counter.PeakOpen()
	return run
}
