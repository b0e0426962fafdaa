package waiting

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Waiter waits for the trials of one experiment to finish, printing one
// line per trial as it ends; `wait` and `submit --wait` share it.
type Waiter struct {
	// Out gets one line per trial that ends; ErrOut the summary.
	Out, ErrOut io.Writer
	Client      kubernetes.Interface
	Namespace   string
	Experiment  string
	// Selector selects the experiment's Jobs and pods (with the user's -l).
	Selector string
	// Filter narrows the trials waited for.
	Filter trial.Filter
	// For is the condition; FailFast ends a --for=succeeded wait at the
	// first failure.
	For      Condition
	FailFast bool
	// Timeout bounds the wait; 0 waits until the condition is decided.
	Timeout time.Duration
	// Now returns the current time; tests fix it.
	Now func() time.Time
}

// Wait watches the trials (one List and one watch each of Jobs and pods,
// whatever their number) until the condition is decided, the timeout
// passes or ctx ends. It returns nil when the condition is met, else an
// error whose ExitCode is ExitFailed or ExitTimeout.
func (w *Waiter) Wait(ctx context.Context) error {
	if w.Now == nil {
		w.Now = time.Now
	}
	wctx, cancel := kube.WithTimeout(ctx, w.Timeout)
	defer cancel()
	t := &tracker{w: w, ctx: wctx, last: map[string]trial.Status{}, printed: map[string]bool{}}
	opts := kube.WatchOptions{Warn: w.ErrOut}
	err := kube.WatchJobsAndPodsWith(wctx, w.Client, w.Namespace, w.Selector, opts, t.changed)
	if err != nil {
		return err
	}
	if t.search != nil && t.verdict.Done {
		fmt.Fprintln(w.ErrOut, trial.Summarize(t.all))
		return t.searchResult()
	}
	if !t.seen {
		// The context ended before the first view.
		return w.interrupted(ctx, wctx, Verdict{})
	}
	fmt.Fprintln(w.ErrOut, trial.Summarize(t.all))
	v := t.verdict
	switch {
	case v.Done:
	case wctx.Err() != nil && ctx.Err() == nil:
	default:
		return w.interrupted(ctx, wctx, v)
	}
	timedOut := !v.Done
	switch v.ExitCode(w.For, timedOut) {
	case ExitFailed:
		msg := fmt.Sprintf("%d of %d trials failed: %s", len(v.Failed), len(t.all), describe(v.Failed, 5))
		if len(v.Unfinished) > 0 {
			msg += fmt.Sprintf("; %d not finished", len(v.Unfinished))
		}
		return &ExitError{Code: ExitFailed, Err: errors.New(msg)}
	case ExitTimeout:
		return &ExitError{Code: ExitTimeout, Err: fmt.Errorf("timed out waiting for the condition on experiment/%s: %d of %d trials have not finished: %s",
			w.Experiment, len(v.Unfinished), len(t.all), describe(v.Unfinished, 5))}
	}
	return nil
}

// interrupted is the error of a wait stopped by Ctrl-C or its caller.
func (w *Waiter) interrupted(ctx, wctx context.Context, v Verdict) error {
	if wctx.Err() != nil && ctx.Err() == nil {
		return &ExitError{Code: ExitTimeout, Err: fmt.Errorf("timed out waiting for the condition on experiment/%s", w.Experiment)}
	}
	return fmt.Errorf("interrupted while waiting for experiment %s (%d trials not finished)", w.Experiment, len(v.Unfinished))
}

// tracker follows the trials from one view to the next.
type tracker struct {
	w    *Waiter
	ctx  context.Context
	seen bool
	// search is the experiment's adaptive search as last seen; nil for
	// trials created at once.
	search  *drive.View
	last    map[string]trial.Status // every trial seen, as last seen
	printed map[string]bool         // trial name + creation time: its end was printed
	all     []trial.Status
	verdict Verdict
}

// changed takes one view of the Jobs and pods and decides.
func (t *tracker) changed(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
	kept, missing, err := t.w.Filter.Apply(trial.FromJobs(jobs, pods))
	if err != nil {
		return true, err
	}
	if !t.seen {
		t.seen = true
		if len(jobs) == 0 {
			return true, kube.ExperimentNotFound(t.w.Experiment, t.w.Namespace)
		}
		if len(missing) > 0 {
			return true, fmt.Errorf("no trial %s in experiment %q", strings.Join(missing, ", "), t.w.Experiment)
		}
		if len(kept) == 0 {
			return true, fmt.Errorf("no trial of experiment %q matches the selection", t.w.Experiment)
		}
	}
	present := make(map[string]bool, len(kept))
	for _, s := range kept {
		present[s.Name] = true
		t.last[s.Name] = s
	}
	t.all = kept
	for name, s := range t.last {
		if present[name] {
			continue
		}
		// A trial whose Job went away: its outcome stays what was seen
		// last; one that had not finished will never finish.
		if !s.State.Finished() {
			s.State, s.Reason, s.Message, s.ExitCode = trial.Failed, "Deleted", "its Job was deleted before it finished", nil
			t.last[name] = s
		}
		t.all = append(t.all, s)
	}
	sort.SliceStable(t.all, func(a, b int) bool { return t.all[a].Index < t.all[b].Index })
	now := t.w.Now()
	for i := range t.all {
		s := &t.all[i]
		key := s.Name + "@" + s.Created.String()
		if s.State.Finished() && !t.printed[key] {
			t.printed[key] = true
			fmt.Fprintln(t.w.Out, line(s, now))
		}
	}
	t.verdict = Decide(t.all, t.w.For, t.w.FailFast)
	if err := t.searchVerdict(jobs); err != nil {
		return true, err
	}
	return t.verdict.Done, nil
}

// searchVerdict decides for an adaptive search, whose trials are not all
// there yet: the wait ends when the search has ended and its trials have
// finished, or when no driver drives it and its trials have finished. As in
// Katib, a failed trial fails the wait only when it failed the search
// (maxFailedTrialCount).
func (t *tracker) searchVerdict(jobs []batchv1.Job) error {
	v, err := drive.ViewOf(t.ctx, t.w.Client, t.w.Namespace, jobs, t.all)
	if err != nil || v == nil {
		return err
	}
	t.search = v
	vd := &t.verdict
	finished := len(vd.Unfinished) == 0
	driven := v.Holder != nil && !v.Holder.Expired(t.w.Now())
	vd.Done = finished && (v.End != nil || !driven) || v.End != nil && v.End.Failed && t.w.FailFast
	return nil
}

// searchResult is how a wait on an adaptive search ends: nil when the
// search ended, an error when it failed or nobody drives it.
func (t *tracker) searchResult() error {
	v := t.search
	switch {
	case v.End == nil:
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("the search of experiment %s has not ended (%d trials finished) and no driver drives it; continue it with: kubectl mlexp tune %s", t.w.Experiment, v.Finished, t.w.Experiment)}
	case v.End.Failed:
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("the search of experiment %s failed: %s", t.w.Experiment, v.End.Message)}
	}
	fmt.Fprintf(t.w.ErrOut, "the search ended: %s\n", v.End.Message)
	return nil
}

// line renders how a trial ended, e.g. "oom-1a2b3c4d failed: OOMKilled at
// limit 32Mi (exit 137) [run=hog]".
func line(s *trial.Status, now time.Time) string {
	var b strings.Builder
	b.WriteString(s.Name)
	if s.State == trial.EarlyStopped {
		b.WriteString(" stopped early: " + s.Message)
	} else if s.State == trial.Succeeded {
		b.WriteString(" succeeded")
		if d := s.Duration(now); d > 0 {
			b.WriteString(" in " + duration.HumanDuration(d))
		}
		if s.OutOfMemory() {
			b.WriteString(": " + s.ReasonText(false))
		}
	} else {
		b.WriteString(" failed: " + s.ReasonText(false))
	}
	if len(s.Params) > 0 {
		b.WriteString(" [" + s.Params.String() + "]")
	}
	return b.String()
}

// describe names up to max trials with their state's reason.
func describe(ss []trial.Status, max int) string {
	var parts []string
	for i := range ss {
		if i == max {
			parts = append(parts, fmt.Sprintf("... (%d more)", len(ss)-max))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", ss[i].Name, why(&ss[i])))
	}
	return strings.Join(parts, ", ")
}

// why says what a trial is doing or why it failed, in a few words.
func why(s *trial.Status) string {
	r := s.ReasonText(false)
	if s.State.Finished() {
		return r
	}
	if r == "-" || r == string(s.State) {
		return string(s.State)
	}
	return string(s.State) + ": " + r
}

// ExitError is an error that asks for a given exit status: a wait tells a
// failed trial (ExitFailed) from a timeout (ExitTimeout) by it.
type ExitError struct {
	Code int
	Err  error
}

// Error implements error.
func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode returns the exit status the error asks for.
func (e *ExitError) ExitCode() int { return e.Code }
