package kubefake

import (
	"net"
	"os"
	"sync"
	"syscall"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// ErrRefused is the error a client gets from an API server that is not
// listening.
var ErrRefused error = &net.OpError{Op: "dial", Net: "tcp",
	Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}

// Outage makes a fake clientset behave like an API server that stops and
// starts again: while it is stopped every request fails with ErrRefused,
// and stopping it ends the watches it served, as a real server's exit
// does.
type Outage struct {
	mu      sync.Mutex
	down    bool
	watches []watch.Interface
	// refused counts the requests refused while down.
	refused int
}

// NewOutage installs an Outage, running at first, in front of c's reactors.
func NewOutage(c *fake.Clientset) *Outage {
	o := &Outage{}
	c.PrependReactor("*", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		if o.refuse() {
			return true, nil, ErrRefused
		}
		return false, nil, nil
	})
	c.PrependWatchReactor("*", func(a k8stesting.Action) (bool, watch.Interface, error) {
		if o.refuse() {
			return true, nil, ErrRefused
		}
		var opts metav1.ListOptions
		if wa, ok := a.(k8stesting.WatchActionImpl); ok {
			opts = wa.ListOptions
		}
		w, err := c.Tracker().Watch(a.GetResource(), a.GetNamespace(), opts)
		if err != nil {
			return true, nil, err
		}
		o.mu.Lock()
		o.watches = append(o.watches, w)
		o.mu.Unlock()
		return true, w, nil
	})
	return o
}

func (o *Outage) refuse() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down {
		o.refused++
	}
	return o.down
}

// Stop makes every request fail from now on and ends the open watches.
func (o *Outage) Stop() {
	o.mu.Lock()
	o.down = true
	ws := o.watches
	o.watches = nil
	o.mu.Unlock()
	for _, w := range ws {
		w.Stop()
	}
}

// Start makes requests succeed again.
func (o *Outage) Start() {
	o.mu.Lock()
	o.down = false
	o.mu.Unlock()
}

// Refused returns how many requests failed while the server was stopped.
func (o *Outage) Refused() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refused
}
