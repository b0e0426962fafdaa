package logstream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// view is one state of an experiment as a watch reports it.
type view struct {
	jobs []batchv1.Job
	pods []corev1.Pod
}

// fakeWatch is a WatchFunc fed views by the test.
type fakeWatch chan view

func (w fakeWatch) watch(ctx context.Context, _ kubernetes.Interface, _, _ string, changed kube.ChangeFunc) error {
	for {
		select {
		case v := <-w:
			if done, err := changed(v.jobs, v.pods); err != nil || done {
				return err
			}
		case <-ctx.Done():
			return nil
		}
	}
}

// lockedBuffer is an io.Writer safe for the test to read while a run writes.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startFollow runs a follow in the background; the returned function
// waits for it to end and returns its result.
func startFollow(t *testing.T, cfg Config) func() (Summary, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	cfg.Follow, cfg.Tail, cfg.Namespace, cfg.Experiment = true, -1, "ns", "mnist"
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = 5 * time.Millisecond
	}
	type result struct {
		sum Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := Run(ctx, cfg)
		done <- result{sum, err}
	}()
	return func() (Summary, error) {
		defer cancel()
		select {
		case r := <-done:
			return r.sum, r.err
		case <-ctx.Done():
			t.Fatal("follow did not end by itself")
			return Summary{}, nil
		}
	}
}

// TestFollowEndsWhenTrialsFinish follows an experiment through the fake
// clientset's watch: pods appear Pending, start, write and succeed; the run
// ends by itself with every line once.
func TestFollowEndsWhenTrialsFinish(t *testing.T) {
	ctx := context.Background()
	jobs := []batchv1.Job{
		testJob("mnist", 0, `{"dropout":0.2}`, ""),
		testJob("mnist", 1, `{"dropout":0.3}`, ""),
		testJob("mnist", 2, `{"dropout":0.4}`, ""),
	}
	client := fakeClient(jobs, nil)
	logs := newFakeLogs()
	var out, errOut lockedBuffer
	wait := startFollow(t, Config{Client: client, Out: &out, ErrOut: &errOut, OpenStream: logs.open})

	var pods []*corev1.Pod
	for i := range jobs {
		p := testPod(&jobs[i], 1, corev1.PodPending)
		created, err := client.CoreV1().Pods("ns").Create(ctx, &p, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pods = append(pods, created)
	}
	time.Sleep(200 * time.Millisecond) // pending: nothing to read yet
	for i, p := range pods {
		l := logs.get(p.Name, "ml")
		l.addN(t0, "epoch", 5)
		setPhase(p, corev1.PodRunning)
		if _, err := client.CoreV1().Pods("ns").UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(time.Duration(100*(i+1)) * time.Millisecond)
			l.add(t0.Add(time.Minute), fmt.Sprintf("Test accuracy: 0.9%d", i))
			l.finish()
			setPhase(p, corev1.PodSucceeded)
			if _, err := client.CoreV1().Pods("ns").UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
				t.Error(err)
			}
			j := testJob("mnist", i, jobs[i].Annotations["mlexp.dev/params"], batchv1.JobComplete)
			if _, err := client.BatchV1().Jobs("ns").UpdateStatus(ctx, &j, metav1.UpdateOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	sum, err := wait()
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for i := range jobs {
		final := fmt.Sprintf("[mnist-%08x] Test accuracy: 0.9%d\n", i, i)
		if n := strings.Count(got, final); n != 1 {
			t.Errorf("%q appears %d times, want once", final, n)
		}
	}
	if n := strings.Count(got, "\n"); n != 18 {
		t.Errorf("%d lines, want 18:\n%s", n, got)
	}
	if diff := cmp.Diff("3 trials finished: 3 succeeded; 3 streams, 18 lines", sum.String()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if errOut.String() != "" {
		t.Errorf("stderr: %s", errOut.String())
	}
}

// payload is the deterministic content of line seq of trial i: long, and
// different for every line, so a mixed or cut line shows.
func payload(i, seq int) string {
	n := 100 + (i*7919+seq*104729)%6000
	return fmt.Sprintf("t%d s%d %s end", i, seq, strings.Repeat(string(rune('a'+(i+seq)%26)), n))
}

// TestFollowLineIntegrity follows 60 containers writing long lines at once
// and checks that every line comes out whole, once, in order per trial.
func TestFollowLineIntegrity(t *testing.T) {
	const trials, lines = 60, 300
	w := make(fakeWatch)
	logs := newFakeLogs()
	var jobs []batchv1.Job
	var pods []corev1.Pod
	for i := range trials {
		j := testJob("mnist", i, `{}`, "")
		jobs = append(jobs, j)
		pods = append(pods, testPod(&j, 1, corev1.PodRunning))
		l := logs.get(pods[i].Name, "ml")
		// Break some streams too: they must resume without loss.
		l.breaks = []int{lines / 3, lines / 3}
		l.breakMid = i%2 == 0
	}
	var out lockedBuffer
	wait := startFollow(t, Config{Out: &out, ErrOut: io.Discard, OpenStream: logs.open, Watch: w.watch, MaxRequests: trials})
	w <- view{jobs, pods}
	var wg sync.WaitGroup
	for i := range trials {
		l := logs.get(pods[i].Name, "ml")
		wg.Go(func() {
			for seq := range lines {
				l.add(t0.Add(time.Duration(seq)*time.Millisecond), payload(i, seq))
			}
			l.finish()
		})
	}
	wg.Wait()
	done := view{}
	for i := range trials {
		done.jobs = append(done.jobs, testJob("mnist", i, `{}`, batchv1.JobComplete))
		p := pods[i]
		setPhase(&p, corev1.PodSucceeded)
		done.pods = append(done.pods, p)
	}
	w <- done
	sum, err := wait()
	if err != nil {
		t.Fatal(err)
	}
	next := make([]int, trials)
	for n, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var i, seq int
		if _, err := fmt.Sscanf(line[strings.Index(line, "] ")+2:], "t%d s%d", &i, &seq); err != nil {
			t.Fatalf("line %d is not whole: %.80q", n, line)
		}
		want := fmt.Sprintf("[mnist-%08x] %s", i, payload(i, seq))
		if line != want {
			t.Fatalf("line %d is mixed or cut: %.80q", n, line)
		}
		if seq != next[i] {
			t.Fatalf("trial %d: line %d after line %d: lost or repeated", i, seq, next[i]-1)
		}
		next[i]++
	}
	for i, n := range next {
		if n != lines {
			t.Errorf("trial %d: %d lines, want %d", i, n, lines)
		}
	}
	if sum.Lines != trials*lines {
		t.Errorf("summary counts %d lines, want %d", sum.Lines, trials*lines)
	}
}
