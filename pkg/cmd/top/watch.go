package top

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// clearScreen moves the cursor home and clears a terminal.
const clearScreen = "\x1b[H\x1b[2J"

// view holds the latest Jobs and pods a watch has seen.
type view struct {
	mu       sync.Mutex
	jobs     []batchv1.Job
	pods     []corev1.Pod
	changed  chan struct{} // poked after the first update
	finished chan struct{} // closed once every trial has finished
	once     sync.Once
	first    sync.Once
}

func newView() *view {
	return &view{changed: make(chan struct{}), finished: make(chan struct{})}
}

// set is the kube.ChangeFunc that records each new view.
func (v *view) set(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
	v.mu.Lock()
	v.jobs, v.pods = jobs, pods
	v.mu.Unlock()
	v.first.Do(func() { close(v.changed) })
	if len(jobs) > 0 && trial.Count(trial.FromJobs(jobs, pods)).Finished() {
		v.once.Do(func() { close(v.finished) })
	}
	return false, nil
}

func (v *view) get() ([]batchv1.Job, []corev1.Pod) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.jobs, v.pods
}

// watch keeps a watched view of the experiment's Jobs and pods and prints
// a frame every interval, listing pod and node metrics only; it ends when
// every trial has finished, or on Ctrl-C.
func (o *Options) watch(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	v := newView()
	errc := make(chan error, 1)
	go func() {
		opts := kube.WatchOptions{LossTimeout: o.LossTimeout, Warn: o.ErrOut}
		errc <- kube.WatchJobsAndPodsWith(ctx, o.client, o.namespace, keys.ForExperiment(o.experiment), opts, v.set)
	}()
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	case <-v.changed:
	}
	tty := o.IsTerminal(o.Out)
	tick := time.NewTicker(o.Interval)
	defer tick.Stop()
	var (
		nc       nodeCache
		screen   frameState
		lastErr  string
		finished = v.finished
		rec      *cpumem.PeakRecorder
	)
	if o.Record {
		defer func() {
			if rec != nil { // after Ctrl-C too, within a bound
				fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				rec.Flush(fctx, true)
			}
		}()
	}
	for frame := 0; ; frame++ {
		jobs, pods := v.get()
		if len(jobs) == 0 {
			if frame == 0 {
				return o.notFound()
			}
			fmt.Fprintf(o.ErrOut, "experiment %q has no Jobs any more\n", o.experiment)
			return nil
		}
		pm, err := o.listPodMetrics(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && frame == 0:
			return err
		case err != nil:
			// A refresh that fails does not end the watch; the next may
			// work. The same failure is said once.
			if msg := err.Error(); msg != lastErr {
				fmt.Fprintln(o.ErrOut, "warning:", msg)
				lastErr = msg
			}
		default:
			lastErr = ""
			res, err := o.build(ctx, jobs, pods, pm, &nc)
			if err != nil {
				return err
			}
			if o.Record {
				if rec == nil {
					rec = o.recorder(jobs)
				}
				rec.Observe(res.Trials)
				rec.Flush(ctx, false)
			}
			if err := o.printFrame(res, frame, tty, &screen); err != nil {
				return err
			}
			if res.counts.Finished() {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case <-tick.C:
		case <-finished:
			finished = nil // a closed channel would spin; the next frame is the last
		}
	}
}

// frameState is what a piped watch remembers of the frames it printed.
type frameState struct {
	notes  string // the notes last printed
	tabled bool   // a frame has printed a table
}

// printFrame prints one refresh: a redrawn screen on a terminal, else a
// blank line between tables (a "---" between YAML documents); notes,
// "No running trials" among them, are repeated on a terminal and printed
// when they change otherwise. A piped frame without rows prints no table.
func (o *Options) printFrame(res Result, frame int, tty bool, st *frameState) error {
	res = o.withNoneRunning(res)
	rows := len(res.Trials) > 0
	switch {
	case o.Print.Output == "yaml" && frame > 0:
		fmt.Fprintln(o.Out, "---")
	case o.Print.Table() && tty:
		fmt.Fprint(o.Out, clearScreen)
	case o.Print.Table() && rows && st.tabled:
		fmt.Fprintln(o.Out)
	case !o.Print.Table() && frame > 0 && o.Print.Output != "json":
		fmt.Fprintln(o.Out)
	}
	st.tabled = st.tabled || (o.Print.Table() && rows)
	joined := strings.Join(res.Notes, "\n")
	if !tty && joined == st.notes {
		res.Notes = nil
	}
	st.notes = joined
	return o.print(res)
}
