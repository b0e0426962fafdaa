package logstream

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// running returns n running trials, their logs holding one line each.
func running(n int, logs *fakeLogs) view {
	var v view
	for i := range n {
		j := testJob("mnist", i, `{}`, "")
		p := testPod(&j, 1, corev1.PodRunning)
		v.jobs, v.pods = append(v.jobs, j), append(v.pods, p)
		logs.get(p.Name, "ml").add(t0, fmt.Sprintf("start %d", i))
	}
	return v
}

// finished returns v with trial i's pod in phase and Job finished.
func (v view) finished(i int, phase corev1.PodPhase, cond batchv1.JobConditionType) view {
	out := view{jobs: append([]batchv1.Job(nil), v.jobs...), pods: append([]corev1.Pod(nil), v.pods...)}
	out.jobs[i] = testJob("mnist", i, `{}`, cond)
	p := *out.pods[i].DeepCopy()
	setPhase(&p, phase)
	out.pods[i] = p
	return out
}

// waitOpen waits until l has been opened n times.
func waitOpen(t *testing.T, l *fakeLog, n int) {
	t.Helper()
	for range 10000 {
		if l.openCount() >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("log opened %d times, want %d", l.openCount(), n)
}

// openedUnfinished waits for a trial of v not in finished whose log is open.
func openedUnfinished(t *testing.T, logs *fakeLogs, v view, finished map[int]bool) int {
	t.Helper()
	for range 10000 {
		for i, p := range v.pods {
			if !finished[i] && logs.get(p.Name, "ml").openCount() > 0 {
				return i
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("no stream opened")
	return 0
}

// waitOutput waits until out holds want.
func waitOutput(t *testing.T, out *lockedBuffer, want string) {
	t.Helper()
	for range 10000 {
		if strings.Contains(out.String(), want) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("output lacks %q:\n%s", want, out.String())
}

func TestFollowQueuesBeyondMaxRequests(t *testing.T) {
	w := make(fakeWatch)
	logs := newFakeLogs()
	v := running(5, logs)
	var out, errOut lockedBuffer
	wait := startFollow(t, Config{Out: &out, ErrOut: &errOut, OpenStream: logs.open, Watch: w.watch, MaxRequests: 2})
	w <- v
	// Finish the trials one at a time, each once its stream is open: each
	// frees a slot for a waiting one, whichever got the slots first.
	finished := map[int]bool{}
	for len(finished) < 5 {
		i := openedUnfinished(t, logs, v, finished)
		l := logs.get(v.pods[i].Name, "ml")
		l.add(t0.Add(time.Second), fmt.Sprintf("end %d", i))
		l.finish()
		finished[i] = true
		v = v.finished(i, corev1.PodSucceeded, batchv1.JobComplete)
		w <- v
	}
	sum, err := wait()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		for _, want := range []string{fmt.Sprintf("start %d\n", i), fmt.Sprintf("end %d\n", i)} {
			if strings.Count(out.String(), want) != 1 {
				t.Errorf("want %q once in:\n%s", want, out.String())
			}
		}
	}
	wantErr := "5 streams to follow but --max-log-requests is 2: 3 wait for a stream to end (raise it with --max-log-requests=5)\n"
	if diff := cmp.Diff(wantErr, errOut.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	if sum.Streams != 5 || sum.Lines != 10 {
		t.Errorf("summary %v, want 5 streams and 10 lines", sum)
	}
}

func TestFollowInterrupted(t *testing.T) {
	w := make(fakeWatch)
	logs := newFakeLogs()
	v := running(2, logs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out lockedBuffer
	done := make(chan error, 1)
	var sum Summary
	go func() {
		var err error
		sum, err = Run(ctx, Config{Namespace: "ns", Experiment: "mnist", Follow: true, Tail: -1,
			Out: &out, ErrOut: io.Discard, OpenStream: logs.open, Watch: w.watch})
		done <- err
	}()
	w <- v
	waitOpen(t, logs.get(v.pods[1].Name, "ml"), 1)
	cancel() // Ctrl-C
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("interrupted run: err = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end after its context was cancelled")
	}
	if !sum.Interrupted || !strings.HasPrefix(sum.String(), "interrupted: 2 trials: 2 running") {
		t.Errorf("summary %q, want an interrupted one", sum.String())
	}
}

func TestFollowPodDeletedAndRetried(t *testing.T) {
	w := make(fakeWatch)
	logs := newFakeLogs()
	v := running(1, logs)
	var out, errOut lockedBuffer
	wait := startFollow(t, Config{Out: &out, ErrOut: &errOut, OpenStream: logs.open, Watch: w.watch})
	w <- v
	first := logs.get(v.pods[0].Name, "ml")
	waitOutput(t, &out, "start 0\n")
	// The pod is deleted under the stream; the Job makes another.
	retry := testPod(&v.jobs[0], 2, corev1.PodPending)
	w <- view{jobs: v.jobs, pods: []corev1.Pod{retry}}
	first.finish()
	logs.get(retry.Name, "ml").add(t0.Add(time.Minute), "again")
	setPhase(&retry, corev1.PodRunning)
	w <- view{jobs: v.jobs, pods: []corev1.Pod{retry}}
	waitOpen(t, logs.get(retry.Name, "ml"), 1)
	logs.get(retry.Name, "ml").finish()
	setPhase(&retry, corev1.PodSucceeded)
	w <- view{jobs: []batchv1.Job{testJob("mnist", 0, `{}`, batchv1.JobComplete)}, pods: []corev1.Pod{retry}}
	sum, err := wait()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("[mnist-00000000] start 0\n[mnist-00000000] again\n", out.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("pod mnist-00000000-p1 of trial mnist-00000000 was deleted: its log ends here\n", errOut.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	if sum.Streams != 2 {
		t.Errorf("%d streams, want 2", sum.Streams)
	}
}

func TestFollowWaitsForPodsAfterJobFinished(t *testing.T) {
	// The Job says Complete while the pod informer still shows the pod
	// Pending: the run must wait for the pod rather than end without it.
	w := make(fakeWatch)
	logs := newFakeLogs()
	j := testJob("mnist", 0, `{}`, batchv1.JobComplete)
	p := testPod(&j, 1, corev1.PodPending)
	l := logs.get(p.Name, "ml")
	l.add(t0, "quick")
	l.finish()
	var out lockedBuffer
	wait := startFollow(t, Config{Out: &out, ErrOut: io.Discard, OpenStream: logs.open, Watch: w.watch})
	w <- view{jobs: []batchv1.Job{j}, pods: []corev1.Pod{p}}
	setPhase(&p, corev1.PodSucceeded)
	p.Status.StartTime = &metav1.Time{Time: t0}
	w <- view{jobs: []batchv1.Job{j}, pods: []corev1.Pod{p}}
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("[mnist-00000000] quick\n", out.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

func TestFollowUnknownExperiment(t *testing.T) {
	w := make(fakeWatch)
	wait := startFollow(t, Config{Out: io.Discard, ErrOut: io.Discard, OpenStream: newFakeLogs().open, Watch: w.watch})
	w <- view{}
	if _, err := wait(); err == nil || !strings.Contains(err.Error(), `experiment "mnist" not found`) {
		t.Errorf("err = %v, want not found", err)
	}
}
