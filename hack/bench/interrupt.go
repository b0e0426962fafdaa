package main

import (
	"context"
	"fmt"
	"os"
	"syscall"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// interruptSignal is what Ctrl-C sends.
var interruptSignal os.Signal = syscall.SIGINT

// Interrupt submits n trials, sends SIGINT once half of them exist, and
// checks that the next submit completes the experiment: every trial once,
// every Job whole (the one the file renders).
func (b *Bench) Interrupt(ctx context.Context, n int, file string) error {
	ns, err := b.cluster.NewNamespace(ctx, fmt.Sprintf("mlexp-bench-int-%d", n))
	if err != nil {
		return err
	}
	defer b.dropNamespace(ns)
	w, err := b.cluster.Client.BatchV1().Jobs(ns).Watch(ctx, metav1.ListOptions{LabelSelector: keys.ForExperiment(expName)})
	if err != nil {
		return err
	}
	defer w.Stop()
	s, err := b.runner.Start(ctx, ns, "submit", "-f", file)
	if err != nil {
		return err
	}
	added := 0
	for added < n/2 {
		ev, ok := <-w.ResultChan()
		if !ok {
			break
		}
		if ev.Type == watch.Added {
			added++
		}
	}
	_ = s.Cmd.Process.Signal(interruptSignal)
	run := s.Wait()
	row := b.table.Add(Row{N: n, What: "submit, Ctrl-C after half the writes", Run: run})
	if run.Err == nil {
		row.Note = "ended without error: every write was done before the signal"
	}
	jobs, err := b.cluster.Jobs(ctx, ns, keys.ForExperiment(expName))
	if err != nil {
		return err
	}
	had := len(jobs)
	row.Note = fmt.Sprintf("%d of %d Jobs written", had, n)

	run = b.runner.Mlexp(ctx, ns, "submit", "-f", file)
	row = b.table.Add(Row{N: n, What: "submit again after Ctrl-C", Run: run})
	b.expectOK(row)
	// Writes in flight at the signal may still land after submit exited
	// (the API server finishes a request whose client went away): at
	// least the Jobs counted then are unchanged, and every trial is
	// either unchanged or created, once.
	unchanged, created := countLines(run.Stdout, " unchanged"), countLines(run.Stdout, " created")
	if unchanged < had || unchanged+created != n {
		row.fail(fmt.Sprintf("%d unchanged and %d created, want at least %d unchanged and %d in all", unchanged, created, had, n))
	}
	b.expectJobs(ctx, row, ns, n)
	if bad := b.wholeJobs(ctx, ns, file); bad != "" {
		row.fail(bad)
	}
	if !row.Failed {
		row.Note = fmt.Sprintf("%d unchanged, %d created; every trial once, every Job as rendered", unchanged, created)
	}
	return nil
}

// wholeJobs compares every Job of ns with the Job the file renders for
// its trial: same spec hash and parameters, so no Job is half written.
func (b *Bench) wholeJobs(ctx context.Context, ns, file string) string {
	want, _, err := RenderJobs(file, ns)
	if err != nil {
		return err.Error()
	}
	byName := map[string]*batchv1.Job{}
	for _, j := range want {
		byName[j.Name] = j
	}
	jobs, err := b.cluster.Jobs(ctx, ns, keys.ForExperiment(expName))
	if err != nil {
		return err.Error()
	}
	for _, j := range jobs {
		r := byName[j.Name]
		switch {
		case r == nil:
			return "Job " + j.Name + " is not a trial of the file"
		case j.Annotations[keys.SpecHash] != r.Annotations[keys.SpecHash],
			j.Annotations[keys.Params] != r.Annotations[keys.Params],
			j.Labels[keys.Trial] != r.Labels[keys.Trial]:
			return "Job " + j.Name + " differs from the rendered trial"
		case len(j.Spec.Template.Spec.Containers) != len(r.Spec.Template.Spec.Containers):
			return "Job " + j.Name + " has a different pod template"
		}
	}
	return ""
}
