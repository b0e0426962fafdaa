package logstream

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Run writes the logs cfg chooses to cfg.Out and returns what it did.
// Without Follow it reads the log of every started container once, in trial
// order, and returns. With Follow it streams lines as they come, picks up
// containers as they start, and returns when every chosen trial has finished
// and every stream has drained, or when ctx ends (then with a nil error).
func Run(ctx context.Context, cfg Config) (Summary, error) {
	if cfg.Follow {
		return follow(ctx, &cfg)
	}
	return once(ctx, &cfg)
}

// once reads every started container's log one time. Requests run
// concurrently (at most MaxRequests) but are written in trial order: a
// stream ahead of the one being written waits, with a few chunks read.
func once(ctx context.Context, cfg *Config) (Summary, error) {
	jobs, pods, err := kube.ListJobsAndPods(ctx, cfg.Client, cfg.Namespace, cfg.selector())
	if err != nil {
		return Summary{}, err
	}
	if len(jobs) == 0 {
		return Summary{}, notFound(cfg)
	}
	sel := cfg.Filter.Select(jobs, pods)
	if err := checkSelection(cfg, &sel); err != nil {
		return Summary{}, err
	}
	w := &warner{w: cfg.ErrOut}
	noteNotStarted(w, &sel)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	targets := sel.Targets
	queues := make([]chan *chunk, len(targets))
	for i := range queues {
		queues[i] = make(chan *chunk, 4)
	}
	errs := make([]error, len(targets))
	sem := make(chan struct{}, cfg.maxRequests())
	go func() {
		for i := range targets {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for _, q := range queues[i:] {
					close(q)
				}
				return
			}
			go func() {
				defer func() { <-sem }()
				defer close(queues[i])
				errs[i] = newTail(cfg, &targets[i], queues[i], nil).run(ctx)
			}()
		}
	}()
	out := &sink{w: cfg.Out, cancel: cancel}
	for _, q := range queues {
		out.drain(q)
	}
	sum := Summary{Trials: sel.Trials, Streams: len(targets), Lines: out.lines}
	if out.err != nil {
		return sum, out.err
	}
	var failed []string
	for i, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, errPodDeleted):
			w.printf("pod %s of trial %s was deleted before its log was read", targets[i].Pod, targets[i].Trial)
		default:
			w.printf("error: trial %s (pod %s, container %s): %v", targets[i].Trial, targets[i].Pod, targets[i].Container, err)
			failed = append(failed, targets[i].Trial)
		}
	}
	sum.Failed = len(failed)
	if ctx.Err() == nil && len(failed) > 0 {
		return sum, fmt.Errorf("%d of %d log requests failed", len(failed), len(targets))
	}
	return sum, nil
}

// notFound is the error of an experiment without Jobs.
func notFound(cfg *Config) error {
	return kube.ExperimentNotFound(cfg.Experiment, cfg.Namespace)
}

// checkSelection fails when --param-selector names an unknown parameter,
// --trial names unknown trials or no trial is chosen.
func checkSelection(cfg *Config, sel *Selection) error {
	if sel.Err != nil {
		return sel.Err
	}
	if len(sel.Missing) > 0 {
		return fmt.Errorf("experiment %q has no trial %s (see `kubectl mlexp status %s`)",
			cfg.Experiment, strings.Join(sel.Missing, ", "), cfg.Experiment)
	}
	if len(sel.Trials) == 0 && cfg.Filter.Labels != nil && !cfg.Filter.Labels.Empty() {
		return fmt.Errorf("no trial of experiment %q matches --selector %s", cfg.Experiment, cfg.Filter.Labels)
	}
	if len(sel.Trials) == 0 && len(cfg.Filter.Selector) > 0 {
		return fmt.Errorf("no trial of experiment %q has parameters matching %s", cfg.Experiment, cfg.Filter.Selector)
	}
	return nil
}

// noteNotStarted says which chosen trials have no log to show yet.
func noteNotStarted(w *warner, sel *Selection) {
	has := map[string]bool{}
	for _, t := range sel.Targets {
		has[t.Trial] = true
	}
	var none []string
	for _, st := range sel.Trials {
		if !has[st.Name] {
			none = append(none, fmt.Sprintf("%s (%s)", st.Name, strings.ToLower(string(st.State))))
		}
	}
	if len(none) == 0 {
		return
	}
	const show = 5
	list := strings.Join(none[:min(len(none), show)], ", ")
	if len(none) > show {
		list += fmt.Sprintf(", and %d more", len(none)-show)
	}
	w.printf("%d of %d trials have no log yet: %s", len(none), len(sel.Trials), list)
}

// Summary is what a run did.
type Summary struct {
	// Trials are the chosen trials as last seen.
	Trials []trial.Status
	// Streams counts the container logs read.
	Streams int
	// Lines counts the lines written.
	Lines int64
	// Failed counts the streams that ended with an error.
	Failed int
	// Interrupted says the run ended because its context did.
	Interrupted bool
}

// String renders the summary as one line, e.g. "24 trials finished: 23
// succeeded, 1 oomkilled; 24 streams, 1,234 lines".
func (s Summary) String() string {
	c := trial.Summarize(s.Trials)
	parts := c.Parts()
	head := plural(c.Total(), "trial", "trials")
	switch {
	case s.Interrupted:
		head = "interrupted: " + head
	case c.Finished():
		head += " finished"
	}
	if len(parts) > 0 {
		head += ": " + strings.Join(parts, ", ")
	}
	tail := fmt.Sprintf("%s, %s", plural(s.Streams, "stream", "streams"), plural64(s.Lines, "line", "lines"))
	if s.Failed > 0 {
		tail += fmt.Sprintf(", %d failed", s.Failed)
	}
	return head + "; " + tail
}

func plural(n int, one, many string) string { return plural64(int64(n), one, many) }

func plural64(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands renders n with commas between groups of three digits.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
