package logstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// runTail runs one tail of l to its end and returns its output.
func runTail(t *testing.T, cfg Config, l *fakeLog, state func(*Target) targetState) (string, error) {
	t.Helper()
	cfg.OpenStream = func(ctx context.Context, _ *Target, o *corev1.PodLogOptions) (io.ReadCloser, error) {
		return l.open(ctx, o)
	}
	cfg.RetryDelay = time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := make(chan *chunk)
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range out {
			buf.Write(c.b)
			putChunk(c)
		}
	}()
	target := testTarget
	err := newTail(&cfg, &target, out, state).run(ctx)
	close(out)
	<-done
	if ctx.Err() != nil {
		t.Fatal("tail did not end")
	}
	return buf.String(), err
}

// wantLines returns the lines of l as a tail prints them.
func wantLines(l *fakeLog, from int) string {
	var b strings.Builder
	for _, line := range l.lines[from:] {
		_, _, msg, _ := SplitTimestamp([]byte(line))
		fmt.Fprintf(&b, "[mnist-1a2b3c4d] %s\n", msg)
	}
	return b.String()
}

// sameSecondLog returns a log of n lines, many sharing a timestamp, the
// hardest case for resuming.
func sameSecondLog(n int) *fakeLog {
	l := newFakeLog()
	for i := range n {
		// 4 lines share each timestamp; 10 timestamps share each second.
		l.add(t0.Add(time.Duration(i/4)*100*time.Millisecond), fmt.Sprintf("line %d", i))
	}
	return l
}

func TestTailResumesBrokenStream(t *testing.T) {
	cases := map[string]struct {
		breaks   []int
		breakMid bool
		tail     int64
		fresh    int // requests that start over: nothing was read before them
	}{
		"breaks between lines":        {breaks: []int{37, 21, 2}, fresh: 1},
		"breaks in the middle":        {breaks: []int{37, 21, 2}, breakMid: true, fresh: 1},
		"breaks inside a timestamp":   {breaks: []int{2, 3, 4}, fresh: 1},
		"breaks before the first":     {breaks: []int{-1, 50}, breakMid: true, fresh: 2},
		"tail then resume from there": {breaks: []int{5}, tail: 30, fresh: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			l := sameSecondLog(100)
			l.breaks, l.breakMid = tc.breaks, tc.breakMid
			cfg := Config{Tail: -1}
			from := 0
			if tc.tail > 0 {
				cfg.Tail, from = tc.tail, 100-int(tc.tail)
			}
			got, err := runTail(t, cfg, l, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantLines(l, from), got); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			for i, o := range l.opens[tc.fresh:] {
				if o.SinceTime == nil || o.TailLines != nil || !o.Timestamps {
					t.Errorf("resume %d: sinceTime %v, tailLines %v, timestamps %v; want sinceTime, no tail, timestamps",
						i+1, o.SinceTime, o.TailLines, o.Timestamps)
				}
			}
		})
	}
}

func TestTailGivesUpAfterRepeatedFailures(t *testing.T) {
	l := sameSecondLog(10)
	l.breaks = []int{3, -1, -1, -1, -1}
	_, err := runTail(t, Config{Tail: -1}, l, nil)
	if err == nil {
		t.Fatal("want an error after a stream broke again and again")
	}
	if n := len(l.opens); n != 1+maxFailures {
		t.Errorf("opened %d times, want %d", n, 1+maxFailures)
	}
}

func TestTailFollowResumesUntilContainerEnds(t *testing.T) {
	l := newFakeLog()
	l.addN(t0, "before", 10)
	// Breaks of every kind: an error, an error mid-line, a clean EOF
	// while the container runs (as when the apiserver restarts).
	l.breaks = []int{4, 3, 5, 2}
	l.breakErrs = []error{nil, nil, io.EOF, io.EOF}
	var running atomic.Bool
	running.Store(true)
	state := func(*Target) targetState {
		if running.Load() {
			return stateRunning
		}
		return stateDone
	}
	go func() {
		for i := range 20 {
			l.add(t0.Add(time.Second+time.Duration(i)*time.Millisecond), fmt.Sprintf("during %d", i))
			time.Sleep(time.Millisecond)
		}
		running.Store(false)
		l.finish()
	}()
	got, err := runTail(t, Config{Tail: -1, Follow: true}, l, state)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantLines(l, 0), got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	last := l.opens[len(l.opens)-1]
	if last.Follow {
		t.Error("the last request follows; want one without follow to read what a break missed")
	}
}

func TestTailReportsDeletedPod(t *testing.T) {
	l := newFakeLog()
	l.addN(t0, "line", 3)
	l.breaks, l.breakErrs = []int{3}, []error{io.EOF}
	got, err := runTail(t, Config{Tail: -1, Follow: true}, l, func(*Target) targetState { return stateGone })
	if err != errPodDeleted {
		t.Errorf("err = %v, want errPodDeleted", err)
	}
	if diff := cmp.Diff(wantLines(l, 0), got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestTailLongLine(t *testing.T) {
	l := newFakeLog()
	long := strings.Repeat("x", 3*readerSize+17)
	l.add(t0, "short")
	l.add(t0.Add(time.Millisecond), long)
	l.add(t0.Add(2*time.Millisecond), "after")
	l.breaks, l.breakMid = []int{1}, true // break inside the long line
	got, err := runTail(t, Config{Tail: -1}, l, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "[mnist-1a2b3c4d] short\n[mnist-1a2b3c4d] " + long + "\n[mnist-1a2b3c4d] after\n"
	if got != want {
		t.Errorf("got %d bytes, want %d: a long line is not whole", len(got), len(want))
	}
}

func TestTailLastLineWithoutNewline(t *testing.T) {
	cfg := Config{Tail: -1, OpenStream: func(context.Context, *Target, *corev1.PodLogOptions) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("2024-05-01T10:00:00Z a\n2024-05-01T10:00:01Z b")), nil
	}}
	out := make(chan *chunk, 10)
	target := testTarget
	if err := newTail(&cfg, &target, out, nil).run(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(out)
	var got strings.Builder
	for c := range out {
		got.Write(c.b)
	}
	if diff := cmp.Diff("[mnist-1a2b3c4d] a\n[mnist-1a2b3c4d] b\n", got.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestTailStopsOnPermanentError(t *testing.T) {
	l := newFakeLog()
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods/log"}, "p", errors.New("no"))
	l.openErr = []error{forbidden, forbidden}
	_, err := runTail(t, Config{Tail: -1, Follow: true}, l, func(*Target) targetState { return stateRunning })
	if !apierrors.IsForbidden(err) {
		t.Errorf("err = %v, want Forbidden", err)
	}
	if n := l.openCount(); n != 1 {
		t.Errorf("opened %d times, want 1: a forbidden request is not retried", n)
	}
}

func TestTailReadsEndedContainerWithoutFollow(t *testing.T) {
	l := sameSecondLog(10)
	l.finish()
	got, err := runTail(t, Config{Tail: -1, Follow: true}, l, func(*Target) targetState { return stateDone })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantLines(l, 0), got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if len(l.opens) != 1 || l.opens[0].Follow {
		t.Errorf("requests %+v; want one, without follow, for a container that has ended", l.opens)
	}
}
