package kube

import (
	"context"
	"errors"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

var submitAccess = []Access{
	{Verb: "list", Group: "batch", Resource: "jobs"},
	{Verb: "create", Group: "batch", Resource: "jobs"},
	{Verb: "patch", Group: "batch", Resource: "jobs"},
	{Verb: "get", Resource: "pods", Subresource: "log"},
}

func TestCheckAccess(t *testing.T) {
	readOnly := func(ra authorizationv1.ResourceAttributes) bool {
		return ra.Namespace == "team" && (ra.Verb == "get" || ra.Verb == "list" || ra.Verb == "watch")
	}
	cases := map[string]struct {
		allowed func(authorizationv1.ResourceAttributes) bool
		ns      string
		want    string
	}{
		"all allowed":       {func(authorizationv1.ResourceAttributes) bool { return true }, "team", ""},
		"read only":         {readOnly, "team", `you may not create jobs.batch in namespace "team" (kubectl auth can-i create jobs.batch -n team)`},
		"another namespace": {readOnly, "other", `you may not list jobs.batch in namespace "other" (kubectl auth can-i list jobs.batch -n other)`},
		"core and subresource": {func(ra authorizationv1.ResourceAttributes) bool { return ra.Subresource == "" }, "team",
			`you may not get pods/log in namespace "team" (kubectl auth can-i get pods/log -n team)`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientset()
			kubefake.Authorize(c, tc.allowed)
			err := CheckAccess(context.Background(), c, tc.ns, submitAccess)
			got := ""
			if err != nil {
				got = err.Error()
				var ae *AccessError
				if !errors.As(err, &ae) {
					t.Errorf("error %v is not an *AccessError", err)
				}
			}
			if got != tc.want {
				t.Errorf("CheckAccess = %q, want %q", got, tc.want)
			}
			if n := len(c.Actions()); n != len(submitAccess) {
				t.Errorf("%d API calls, want one review per access (%d)", n, len(submitAccess))
			}
		})
	}
}

// TestCheckAccessCannotAsk: a server that refuses the reviews themselves
// does not block the command; one that cannot be reached does.
func TestCheckAccessCannotAsk(t *testing.T) {
	c := fake.NewClientset()
	c.PrependReactor("create", "selfsubjectaccessreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "authorization.k8s.io", Resource: "selfsubjectaccessreviews"}, "", errors.New("no"))
	})
	if err := CheckAccess(context.Background(), c, "team", submitAccess); err != nil {
		t.Errorf("CheckAccess with reviews forbidden = %v, want nil", err)
	}
	c = fake.NewClientset()
	kubefake.NewOutage(c).Stop()
	err := CheckAccess(context.Background(), c, "team", submitAccess[:1])
	if err == nil || !strings.Contains(err.Error(), `check whether you may list jobs.batch in namespace "team": `) || !IsTransient(err) {
		t.Errorf("CheckAccess without a server = %v", err)
	}
}
