package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestIsTransient(t *testing.T) {
	jobs := schema.GroupResource{Group: "batch", Resource: "jobs"}
	cases := map[string]struct {
		err  error
		want bool
	}{
		"nil":                {nil, false},
		"connection refused": {kubefake.ErrRefused, true},
		"wrapped refused":    {fmt.Errorf("trial x: %w", kubefake.ErrRefused), true},
		"connection reset":   {&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true},
		"broken pipe":        {&net.OpError{Op: "write", Err: os.NewSyscallError("write", syscall.EPIPE)}, true},
		"EOF":                {io.EOF, true},
		"unexpected EOF":     {fmt.Errorf("decode: %w", io.ErrUnexpectedEOF), true},
		"network timeout":    {&net.OpError{Op: "dial", Err: timeoutErr{}}, true},
		"http2 lost":         {errors.New("http2: client connection lost"), true},
		"429":                {apierrors.NewTooManyRequests("slow down", 1), true},
		"500":                {apierrors.NewInternalError(errors.New("etcdserver: leader changed")), true},
		"503":                {apierrors.NewServiceUnavailable("shutting down"), true},
		"504":                {apierrors.NewTimeoutError("etcd", 1), true},
		"server timeout":     {apierrors.NewServerTimeout(jobs, "patch", 1), true},
		"forbidden":          {apierrors.NewForbidden(jobs, "x", errors.New("no")), false},
		"unauthorized":       {apierrors.NewUnauthorized("no"), false},
		"invalid":            {apierrors.NewInvalid(schema.GroupKind{Group: "batch", Kind: "Job"}, "x", nil), false},
		"conflict":           {apierrors.NewConflict(jobs, "x", errors.New("changed")), false},
		"not found":          {apierrors.NewNotFound(jobs, "x"), false},
		"canceled":           {fmt.Errorf("patch: %w", context.Canceled), false},
		"other":              {errors.New("json: cannot unmarshal"), false},
	}
	for name, tc := range cases {
		if got := IsTransient(tc.err); got != tc.want {
			t.Errorf("%s: IsTransient(%v) = %v, want %v", name, tc.err, got, tc.want)
		}
	}
}
