package submit

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// submitOptions returns the options of `submit -f seed ...` over c.
func submitOptions(c *fake.Clientset, out, errOut *bytes.Buffer) *Options {
	return &Options{
		IOStreams:   genericiooptions.IOStreams{Out: out, ErrOut: errOut},
		Getter:      &kubefake.Getter{NS: "ml", Client: c},
		FileFlags:   common.FileFlags{Filename: seedFile, Name: "seed", Command: "python train.py", CPU: "1", Memory: "6Gi"},
		Concurrency: 4,
	}
}

// stopAfter stops outage just before the n-th write (create or patch) of
// a Job reaches the server, and runs then (if set) once it has.
func stopAfter(c *fake.Clientset, outage *kubefake.Outage, n int, then func()) {
	var mu sync.Mutex
	writes := 0
	count := func(k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		writes++
		if writes == n {
			outage.Stop()
			if then != nil {
				then()
			}
		}
		return false, nil, nil
	}
	c.PrependReactor("create", "jobs", count)
	c.PrependReactor("patch", "jobs", count)
}

// TestSubmitRetriesThroughRestart: the API server stops after 10 writes and
// starts again a second later: submit says so, retries, and writes all 24.
func TestSubmitRetriesThroughRestart(t *testing.T) {
	t.Setenv("REPO", "registry.test")
	c := newClient()
	outage := kubefake.NewOutage(c)
	stopAfter(c, outage, 10, func() { time.AfterFunc(time.Second, outage.Start) })
	var out, errOut bytes.Buffer
	o := submitOptions(c, &out, &errOut)
	if err := o.Complete(o.Getter, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatalf("submit: %v\n%s", err, errOut.String())
	}
	if n := strings.Count(out.String(), " created\n"); n != 24 {
		t.Errorf("%d trials created, want 24:\n%s", n, out.String())
	}
	if outage.Refused() == 0 {
		t.Fatal("the outage refused nothing: the test tested nothing")
	}
	stderr := errOut.String()
	if n := strings.Count(stderr, "warning: the API server does not answer (dial tcp: connect: connection refused); retrying the writes for up to 2m0s\n"); n != 1 {
		t.Errorf("want one warning about the outage, got %d:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "the API server answers again after ") {
		t.Errorf("stderr does not say the server is back:\n%s", stderr)
	}
}

// TestSubmitGivesUpWithOneLine: without an API server for the loss timeout
// submit ends with one line saying how many trials were written, and the
// same command, once the server is back, writes the rest.
func TestSubmitGivesUpWithOneLine(t *testing.T) {
	t.Setenv("REPO", "registry.test")
	c := newClient()
	outage := kubefake.NewOutage(c)
	stopAfter(c, outage, 10, nil)
	var out, errOut bytes.Buffer
	o := submitOptions(c, &out, &errOut)
	o.LossTimeout = time.Second
	if err := o.Complete(o.Getter, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	err := o.Run(context.Background())
	want := "9 of 24 trials written; run the same command again to finish (the API server has not answered for 1s: dial tcp: connect: connection refused)"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if lines := strings.Split(strings.TrimSpace(errOut.String()), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "warning: the API server does not answer") {
		t.Errorf("stderr has more than the one warning:\n%s", errOut.String())
	}
	if out.Len() > 0 {
		t.Errorf("stdout of a failed submit:\n%s", out.String())
	}

	outage.Start()
	out.Reset()
	errOut.Reset()
	o = submitOptions(c, &out, &errOut)
	if err := o.Complete(o.Getter, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatalf("second submit: %v\n%s", err, errOut.String())
	}
	if c, u := strings.Count(out.String(), " created\n"), strings.Count(out.String(), " unchanged\n"); c != 15 || u != 9 {
		t.Errorf("second submit: %d created, %d unchanged; want 15 and 9:\n%s", c, u, out.String())
	}
}

// TestSubmitChecksAccessFirst: a user who may only read Jobs writes
// nothing and is told the missing verb.
func TestSubmitChecksAccessFirst(t *testing.T) {
	t.Setenv("REPO", "registry.test")
	c := fake.NewClientset()
	kubefake.Authorize(c, func(ra authorizationv1.ResourceAttributes) bool { return ra.Verb == "list" || ra.Verb == "get" })
	var out, errOut bytes.Buffer
	o := submitOptions(c, &out, &errOut)
	if err := o.Complete(o.Getter, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	err := o.Run(context.Background())
	want := `you may not create jobs.batch in namespace "ml" (kubectl auth can-i create jobs.batch -n ml)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if n := countWrites(c); n != 0 {
		t.Errorf("%d writes after a denied access check", n)
	}
}
