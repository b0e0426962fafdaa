package events

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	fakes "github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	mlexpfake "github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// failingWriter fails every write, as stdout does once its reader is gone.
type failingWriter struct{}

var errClosed = errors.New("write |1: broken pipe")

func (failingWriter) Write([]byte) (int, error) { return 0, errClosed }

// runWatch starts `events mnist --watch --raw` over c and returns the
// channel its error comes on.
func runWatch(t *testing.T, c *kubefake.Clientset, out io.Writer, errOut io.Writer, loss time.Duration) <-chan error {
	t.Helper()
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: out, ErrOut: errOut}, Getter: &fakeGetter{c},
		Watch: true, Raw: true, LossTimeout: loss, Now: func() time.Time { return at(300) }}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- o.Run(context.Background()) }()
	return done
}

func waitErr(t *testing.T, done <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("events --watch did not end after %s", what)
		return nil
	}
}

// TestEventsWatchEndsWhenOutputFails: an error while printing ends the
// watch with that error. It used to hang: the informers' context was
// cancelled only after Shutdown, which waits for them to stop.
func TestEventsWatchEndsWhenOutputFails(t *testing.T) {
	c := kubefake.NewClientset(job(t1), pod(t1+"-aaaaa", t1),
		oldEvent("Job", t1, "Normal", "SuccessfulCreate", "Created pod: "+t1+"-aaaaa", 1, 10, 10))
	err := waitErr(t, runWatch(t, c, failingWriter{}, io.Discard, 0), "its output failed")
	if !errors.Is(err, errClosed) {
		t.Errorf("err = %v, want the write error", err)
	}
}

// TestEventsWatchEndsWithoutServer: without an API server for the loss
// timeout, the watch says so and ends with an error.
func TestEventsWatchEndsWithoutServer(t *testing.T) {
	c := kubefake.NewClientset(job(t1), pod(t1+"-aaaaa", t1))
	outage := fakes.NewOutage(c)
	var out, errOut mlexpfake.SyncBuffer
	done := runWatch(t, c, &out, &errOut, time.Second)
	waitFor(t, func() bool { return strings.Contains(errOut.String(), "No events found") })
	outage.Stop()
	err := waitErr(t, done, "its API server went away")
	var lost *kube.LostError
	if !errors.As(err, &lost) {
		t.Errorf("err = %v, want a LostError", err)
	}
	if !strings.Contains(errOut.String(), "warning: lost the API server (") {
		t.Errorf("stderr does not say the server was lost:\n%s", errOut.String())
	}
}
