package logstream

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// t0 is the time the fake containers start writing.
var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// fakeLog is a container's log as the kubelet serves it: lines with
// timestamps, a follow request blocking until more lines come or the
// container ends, sinceTime honoured to the second as on the wire, and
// scripted breaks.
type fakeLog struct {
	mu    sync.Mutex
	cond  *sync.Cond
	lines []string // "TIMESTAMP message"
	done  bool
	opens []corev1.PodLogOptions
	// breaks[i] > 0 makes open i end after that many lines (< 0: before
	// the first) with breakErrs[i], else io.ErrUnexpectedEOF (io.EOF is a
	// clean end); breakMid makes it end in the middle of the next line.
	breaks    []int
	breakErrs []error
	breakMid  bool
	openErr   []error // openErr[i] fails open i
}

func newFakeLog() *fakeLog {
	l := &fakeLog{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// add appends a line written at t.
func (l *fakeLog) add(t time.Time, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")+" "+msg)
	l.cond.Broadcast()
}

// addN appends n lines "PREFIX i", 10ms apart from start.
func (l *fakeLog) addN(start time.Time, prefix string, n int) {
	for i := range n {
		l.add(start.Add(time.Duration(i)*10*time.Millisecond), fmt.Sprintf("%s %d", prefix, i))
	}
}

// finish ends the container: follow requests end once read.
func (l *fakeLog) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
	l.cond.Broadcast()
}

func (l *fakeLog) openCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.opens)
}

func (l *fakeLog) open(ctx context.Context, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
	l.mu.Lock()
	n := len(l.opens)
	l.opens = append(l.opens, *opts)
	if n < len(l.openErr) && l.openErr[n] != nil {
		l.mu.Unlock()
		return nil, l.openErr[n]
	}
	brk, brkErr := 0, io.ErrUnexpectedEOF
	if n < len(l.breaks) {
		brk = l.breaks[n]
	}
	if n < len(l.breakErrs) && l.breakErrs[n] != nil {
		brkErr = l.breakErrs[n]
	}
	start := 0
	if opts.SinceTime != nil {
		since := opts.SinceTime.Time.Truncate(time.Second) // RFC 3339 on the wire
		for start < len(l.lines) {
			ts, _, _, _ := SplitTimestamp([]byte(l.lines[start]))
			if t, _ := ParseTimestamp(ts); !t.Before(since) {
				break
			}
			start++
		}
	}
	if opts.TailLines != nil && int(*opts.TailLines) < len(l.lines)-start {
		start = len(l.lines) - int(*opts.TailLines)
	}
	l.mu.Unlock()

	pr, pw := io.Pipe()
	stop := context.AfterFunc(ctx, func() {
		l.mu.Lock()
		l.cond.Broadcast()
		l.mu.Unlock()
	})
	go func() {
		defer stop()
		sent := 0
		for i := start; ; i++ {
			l.mu.Lock()
			if brk != 0 && sent == max(brk, 0) {
				if l.breakMid && i < len(l.lines) {
					pw.Write([]byte(l.lines[i][:len(l.lines[i])/2]))
				}
				l.mu.Unlock()
				pw.CloseWithError(brkErr)
				return
			}
			for i >= len(l.lines) && opts.Follow && !l.done && ctx.Err() == nil {
				l.cond.Wait()
			}
			if ctx.Err() != nil {
				l.mu.Unlock()
				pw.CloseWithError(ctx.Err())
				return
			}
			if i >= len(l.lines) {
				l.mu.Unlock()
				pw.Close()
				return
			}
			line := l.lines[i] + "\n"
			l.mu.Unlock()
			if _, err := pw.Write([]byte(line)); err != nil {
				return
			}
			sent++
		}
	}()
	return pr, nil
}

// fakeLogs serves the logs of many containers, by pod/container.
type fakeLogs struct {
	mu   sync.Mutex
	logs map[string]*fakeLog
}

func newFakeLogs() *fakeLogs { return &fakeLogs{logs: map[string]*fakeLog{}} }

// get returns the log of pod/container, creating it.
func (f *fakeLogs) get(pod, container string) *fakeLog {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := pod + "/" + container
	if f.logs[k] == nil {
		f.logs[k] = newFakeLog()
	}
	return f.logs[k]
}

// open is an OpenFunc; a pod without a log is not found.
func (f *fakeLogs) open(ctx context.Context, t *Target, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
	f.mu.Lock()
	l := f.logs[t.Pod+"/"+opts.Container]
	f.mu.Unlock()
	if l == nil {
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, t.Pod)
	}
	return l.open(ctx, opts)
}

// testJob returns trial i of experiment exp with the given parameters.
func testJob(exp string, i int, paramsJSON string, cond batchv1.JobConditionType) batchv1.Job {
	var ended kubefake.Option
	if cond != "" {
		ended = kubefake.Conditions(batchv1.JobCondition{Type: cond, Status: corev1.ConditionTrue})
	}
	return *kubefake.Job("ns", exp, fmt.Sprintf("%s-%08x", exp, i), kubefake.Params(paramsJSON), kubefake.Index(i), ended)
}

// testPod returns pod attempt of job's trial in the given phase, its
// container "ml" running, terminated or (Pending) waiting.
func testPod(job *batchv1.Job, attempt int, phase corev1.PodPhase) corev1.Pod {
	p := kubefake.Pod(job.Namespace, job.Labels[keys.Experiment], job.Labels[keys.Trial], fmt.Sprintf("%s-p%d", job.Name, attempt),
		kubefake.UID(), kubefake.Annotations(job.Annotations), kubefake.Created(t0.Add(time.Duration(attempt)*time.Minute)),
		kubefake.Containers(corev1.Container{Name: "ml"}))
	setPhase(p, phase)
	return *p
}

// setPhase sets the pod's phase and its container's matching state.
func setPhase(p *corev1.Pod, phase corev1.PodPhase) {
	p.Status.Phase = phase
	cs := corev1.ContainerStatus{Name: "ml"}
	switch phase {
	case corev1.PodRunning:
		cs.State.Running = &corev1.ContainerStateRunning{}
	case corev1.PodSucceeded:
		cs.State.Terminated = &corev1.ContainerStateTerminated{Reason: "Completed"}
	case corev1.PodFailed:
		cs.State.Terminated = &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 1}
	default:
		cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
}
