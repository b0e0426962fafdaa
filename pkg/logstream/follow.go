package logstream

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// follower streams the logs of an experiment's containers as they start.
// The watch callback alone starts streams and owns started; the pod view
// the streams read is guarded by mu.
type follower struct {
	cfg  *Config
	ctx  context.Context
	out  chan *chunk
	sem  chan struct{}
	warn *warner
	wg   sync.WaitGroup

	following atomic.Int64 // streams of running containers not yet ended
	failed    atomic.Int64

	mu    sync.Mutex
	pods  map[string]*corev1.Pod // namespace/name -> latest pod
	final bool                   // the watch ended: pods will not change

	// Owned by the watch callback.
	started  map[string]bool
	streams  int
	reported int64
	first    bool
	trials   []trial.Status
}

// follow runs a follower until the chosen trials finish or ctx ends.
func follow(ctx context.Context, cfg *Config) (Summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := &follower{
		cfg:     cfg,
		ctx:     ctx,
		out:     make(chan *chunk, 64),
		sem:     make(chan struct{}, cfg.maxRequests()),
		warn:    &warner{w: cfg.ErrOut},
		started: map[string]bool{},
		first:   true,
	}
	out := &sink{w: cfg.Out, cancel: cancel}
	written := make(chan struct{})
	go func() {
		defer close(written)
		out.drain(f.out)
	}()
	// The callback stops the watch's own context as soon as it is done or
	// fails, so the informers shut down before the streams drain.
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	err := cfg.watch()(watchCtx, cfg.Client, cfg.Namespace, cfg.selector(),
		func(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
			done, err := f.changed(jobs, pods)
			if done || err != nil {
				stopWatch()
			}
			return done, err
		})
	f.mu.Lock()
	f.final = true
	f.mu.Unlock()
	if err != nil {
		cancel()
	}
	f.wg.Wait()
	close(f.out)
	<-written
	sum := Summary{Trials: f.trials, Streams: f.streams, Lines: out.lines, Failed: int(f.failed.Load())}
	sum.Interrupted = ctx.Err() != nil && out.err == nil && err == nil
	if err == nil {
		err = out.err
	}
	return sum, err
}

// changed is the watch callback: it records the pods, starts a stream for
// every chosen container that has started, and says done once every chosen
// trial has finished and its pods are done.
func (f *follower) changed(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
	if len(jobs) == 0 {
		if f.first {
			return true, notFound(f.cfg)
		}
		f.warn.printf("experiment %q has no Jobs any more", f.cfg.Experiment)
		return true, nil
	}
	sel := f.cfg.Filter.Select(jobs, pods)
	if f.first {
		if err := checkSelection(f.cfg, &sel); err != nil {
			return true, err
		}
		f.first = false
	}
	f.noteGone(sel.Trials)
	f.trials = sel.Trials
	var jobIndex map[string]*batchv1.Job
	if f.cfg.Observe != nil {
		jobIndex = make(map[string]*batchv1.Job, len(jobs))
		for i := range jobs {
			jobIndex[jobs[i].Name] = &jobs[i]
		}
	}
	index := make(map[string]*corev1.Pod, len(pods))
	for i := range pods {
		index[pods[i].Namespace+"/"+pods[i].Name] = &pods[i]
	}
	f.mu.Lock()
	f.pods = index
	f.mu.Unlock()
	for i := range sel.Targets {
		t := sel.Targets[i]
		if key := t.Key(); !f.started[key] {
			f.started[key] = true
			p := index[t.Namespace+"/"+t.Pod]
			var obs Observer
			if f.cfg.Observe != nil && p != nil && jobIndex[t.Trial] != nil {
				obs = f.cfg.Observe(&t, jobIndex[t.Trial], p)
			}
			f.start(&t, p != nil && containerRunning(p, t.Container), obs)
		}
	}
	// Streams of ended containers are short reads; those of running ones
	// hold their request until the container ends.
	limit := int64(f.cfg.maxRequests())
	if n := f.following.Load(); n > limit && n > f.reported {
		f.reported = n
		f.warn.printf("%d streams to follow but --max-log-requests is %d: %d wait for a stream to end (raise it with --max-log-requests=%d)",
			n, limit, n-limit, n)
	}
	return sel.Settled, nil
}

// start runs a stream for t once a request slot is free; running says
// its container runs, so the stream will hold a request open.
func (f *follower) start(t *Target, running bool, obs Observer) {
	f.streams++
	f.wg.Add(1)
	if running {
		f.following.Add(1)
	}
	go func() {
		defer f.wg.Done()
		if running {
			defer f.following.Add(-1)
		}
		select {
		case f.sem <- struct{}{}:
		case <-f.ctx.Done():
			return
		}
		defer func() { <-f.sem }()
		tl := newTail(f.cfg, t, f.out, f.state)
		tl.warn, tl.obs = f.warn.printf, obs
		err := tl.run(f.ctx)
		if obs != nil {
			obs.End(err == nil && f.ctx.Err() == nil && f.state(t) == stateDone)
		}
		switch {
		case err == nil:
		case errors.Is(err, errPodDeleted):
			f.warn.printf("pod %s of trial %s was deleted: its log ends here", t.Pod, t.Trial)
		default:
			f.failed.Add(1)
			f.warn.printf("error: trial %s (pod %s, container %s): %v", t.Trial, t.Pod, t.Container, err)
		}
	}()
}

// state tells a stream whether its container may still write lines.
func (f *follower) state(t *Target) targetState {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.pods[t.Namespace+"/"+t.Pod]
	switch {
	case !ok || p.UID != t.UID:
		return stateGone
	case f.final || !containerRunning(p, t.Container):
		return stateDone
	}
	return stateRunning
}

// noteGone warns about the chosen trials of the previous view that are no
// longer there: their Job was deleted, so their logs end.
func (f *follower) noteGone(now []trial.Status) {
	still := make(map[string]bool, len(now))
	for _, st := range now {
		still[st.Name] = true
	}
	for _, st := range f.trials {
		if !still[st.Name] {
			f.warn.printf("trial %s is gone: its Job was deleted", st.Name)
		}
	}
}
