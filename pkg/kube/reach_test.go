package kube

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// TestReach follows one Reach through two outages on a fake clock: only
// failures without an answer for the whole timeout make it lost, and an
// answer starts the clock again.
func TestReach(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := NewReach(2 * time.Minute)
	r.Now = func() time.Time { return now }
	var notes []string
	r.OnLoss = func(err error) { notes = append(notes, "loss: "+err.Error()) }
	r.OnBack = func(d time.Duration) { notes = append(notes, fmt.Sprint("back after ", d)) }
	step := func(d time.Duration, err error) {
		now = now.Add(d)
		r.Observe(now, err)
	}
	lost := func(want bool) {
		t.Helper()
		if got := r.Lost(); (got != nil) != want {
			t.Fatalf("at %v: Lost() = %v, want lost=%v", now.Format("15:04:05"), got, want)
		}
	}
	step(0, nil)
	lost(false)
	step(time.Second, kubefake.ErrRefused) // 00:00:01 outage starts
	step(time.Minute, kubefake.ErrRefused)
	lost(false)
	r.Observe(now.Add(-2*time.Minute), nil) // a request sent before the outage
	if !r.Down() {
		t.Error("an answer to a request sent before the outage ended it")
	}
	step(30*time.Second, nil) // 00:01:31 back
	if r.Down() {
		t.Error("Down() after an answer")
	}
	step(time.Minute, kubefake.ErrRefused) // 00:02:31 second outage
	step(119*time.Second, kubefake.ErrRefused)
	lost(false)
	now = now.Add(time.Second) // 00:04:31: two minutes without an answer
	lost(true)
	err := r.Lost()
	var le *LostError
	if !errors.As(err, &le) || !errors.Is(err, kubefake.ErrRefused) ||
		err.Error() != "the API server has not answered for 2m0s: dial tcp: connect: connection refused" {
		t.Errorf("Lost() = %q", err)
	}
	want := []string{"loss: dial tcp: connect: connection refused", "back after 1m30s", "loss: dial tcp: connect: connection refused"}
	if strings.Join(notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes = %q, want %q", notes, want)
	}
}

// TestReachIgnoresExpired: an expired resource version is the server
// answering, part of every long watch.
func TestReachIgnoresExpired(t *testing.T) {
	r := NewReach(0)
	r.Observe(r.Start(), apierrors.NewResourceExpired("too old resource version"))
	r.Observe(r.Start(), apierrors.NewGone("gone"))
	if r.Down() || r.Lost() != nil {
		t.Error("an expired resource version counts as a failure")
	}
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("no"))
	r.Observe(r.Start(), forbidden)
	if err := r.Lost(); err == nil || !strings.HasPrefix(err.Error(), "every request has failed for 0s: ") {
		t.Errorf("Lost() after Forbidden with no timeout = %v", err)
	}
}

func TestServerLossFlag(t *testing.T) {
	defer func(d time.Duration) { ServerLossTimeout = d }(ServerLossTimeout)
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	AddServerLossFlag(fs)
	if err := fs.Parse([]string{"--server-loss-timeout", "20s"}); err != nil || ServerLossTimeout != 20*time.Second {
		t.Errorf("--server-loss-timeout 20s: %v, %v", ServerLossTimeout, err)
	}
	for _, bad := range []string{"0s", "-1m", "soon"} {
		if err := fs.Parse([]string{"--server-loss-timeout", bad}); err == nil {
			t.Errorf("--server-loss-timeout %s accepted", bad)
		}
	}
	if (WatchOptions{}).NewReach().Timeout != 20*time.Second {
		t.Error("a watch without its own timeout does not take the flag's")
	}
}
