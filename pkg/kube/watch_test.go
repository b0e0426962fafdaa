package kube

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// noTrial keeps the objects as these tests build them: the experiment label only.
var noTrial = kubefake.Labels(map[string]string{keys.Trial: ""})

func testJob(name string) *batchv1.Job { return kubefake.Job("ns", "exp", name, noTrial) }

func testPod(name string) *corev1.Pod { return kubefake.Pod("ns", "exp", "", name, noTrial) }

// views records what a watch passed to its ChangeFunc.
type views struct {
	mu   sync.Mutex
	seen [][]string // Job names, then "pod:" pod names, per call
}

func (v *views) changed(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
	var names []string
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	for _, p := range pods {
		names = append(names, "pod:"+p.Name)
	}
	v.mu.Lock()
	v.seen = append(v.seen, names)
	v.mu.Unlock()
	return false, nil
}

func (v *views) last() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.seen) == 0 {
		return "<none>"
	}
	return strings.Join(v.seen[len(v.seen)-1], ",")
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWatchResumesAfterServerRestart: a watch whose API server stops and
// starts again goes on, says so on Warn, and sees what changed meanwhile.
func TestWatchResumesAfterServerRestart(t *testing.T) {
	c := fake.NewClientset(testJob("a"), testPod("a-1"))
	outage := kubefake.NewOutage(c)
	var v views
	var warn kubefake.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- WatchJobsAndPodsWith(ctx, c, "ns", keys.ForExperiment("exp"),
			WatchOptions{LossTimeout: time.Minute, Warn: &warn}, v.changed)
	}()
	waitUntil(t, "the first view", func() bool { return v.last() == "a,pod:a-1" })
	outage.Stop()
	waitUntil(t, "a refused request", func() bool { return outage.Refused() > 0 })
	// Meanwhile a Job is added "on the server".
	if err := c.Tracker().Add(testJob("b")); err != nil {
		t.Fatal(err)
	}
	outage.Start()
	waitUntil(t, "the view after the restart", func() bool { return v.last() == "a,b,pod:a-1" })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("watch ended with %v, want nil after Ctrl-C", err)
	}
	for _, want := range []string{"warning: lost the API server (", "the API server answers again after"} {
		if !strings.Contains(warn.String(), want) {
			t.Errorf("warnings do not say %q:\n%s", want, warn.String())
		}
	}
}

// TestWatchEndsWithoutServer: a watch whose API server is gone ends with
// a *LostError after LossTimeout, instead of retrying forever.
func TestWatchEndsWithoutServer(t *testing.T) {
	c := fake.NewClientset(testJob("a"))
	outage := kubefake.NewOutage(c)
	var v views
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- WatchJobsAndPodsWith(ctx, c, "ns", keys.ForExperiment("exp"), WatchOptions{LossTimeout: time.Second}, v.changed)
	}()
	waitUntil(t, "the first view", func() bool { return v.last() == "a" })
	outage.Stop()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		t.Fatal("the watch did not end without its API server")
	}
	var lost *LostError
	if !errors.As(err, &lost) || !strings.Contains(err.Error(), "the API server has not answered for 1s") ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Errorf("watch ended with %v, want a LostError saying the server has not answered for 1s", err)
	}
}

// TestWatchNoServer: without a server at the start, the watch fails at once.
func TestWatchNoServer(t *testing.T) {
	c := fake.NewClientset()
	kubefake.NewOutage(c).Stop()
	err := WatchJobsAndPodsWith(context.Background(), c, "ns", "x=y", WatchOptions{}, func([]batchv1.Job, []corev1.Pod) (bool, error) {
		t.Error("changed called without a server")
		return true, nil
	})
	if !IsTransient(err) {
		t.Errorf("err = %v, want connection refused", err)
	}
}

// TestWatchStopsWhenDone: changed saying done, or failing, ends the watch
// with its error, and the informers are stopped before it returns.
func TestWatchStopsWhenDone(t *testing.T) {
	boom := errors.New("boom")
	for name, ret := range map[string]error{"done": nil, "error": boom} {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientset(testJob("a"))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := WatchJobsAndPodsWith(ctx, c, "ns", "", WatchOptions{}, func([]batchv1.Job, []corev1.Pod) (bool, error) { return true, ret })
			if !errors.Is(err, ret) || ctx.Err() != nil {
				t.Errorf("err = %v (ctx %v), want %v before the deadline", err, ctx.Err(), ret)
			}
		})
	}
}
