package kube

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Access is one thing a command is about to do: a verb on a resource of an
// API group ("" for the core group), as RBAC rules name them.
type Access struct {
	Verb        string
	Group       string
	Resource    string
	Subresource string
}

// String renders the access as `kubectl auth can-i` takes it, e.g.
// "create jobs.batch" or "get pods/log".
func (a Access) String() string {
	r := a.Resource
	if a.Group != "" {
		r += "." + a.Group
	}
	if a.Subresource != "" {
		r += "/" + a.Subresource
	}
	return a.Verb + " " + r
}

// AccessError says the user may not do something in a namespace.
type AccessError struct {
	Access    Access
	Namespace string
	Reason    string
}

// Error implements error.
func (e *AccessError) Error() string {
	msg := fmt.Sprintf("you may not %s in namespace %q (kubectl auth can-i %s -n %s)",
		e.Access, e.Namespace, e.Access, e.Namespace)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// CheckAccess asks the API server, with one SelfSubjectAccessReview per
// access, as `kubectl auth can-i` does, whether the user may do every one
// of accesses in namespace ns, before a command writes anything. It
// returns an *AccessError naming the first access denied, in the order
// given. When the reviews themselves cannot be made (a server or RBAC that
// forbids them), it returns nil and the writes will say what they may not
// do.
func CheckAccess(ctx context.Context, c kubernetes.Interface, ns string, accesses []Access) error {
	denied := make([]*AccessError, len(accesses))
	g := Reads()
	for i, a := range accesses {
		g.Go(func() error {
			review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
				ResourceAttributes: &authorizationv1.ResourceAttributes{
					Namespace: ns, Verb: a.Verb, Group: a.Group, Resource: a.Resource, Subresource: a.Subresource,
				},
			}}
			got, err := c.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
			switch {
			case apierrors.IsForbidden(err) || apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err):
				return nil // cannot ask: let the writes tell
			case err != nil:
				return fmt.Errorf("check whether you may %s in namespace %q: %w", a, ns, err)
			case !got.Status.Allowed || got.Status.Denied:
				denied[i] = &AccessError{Access: a, Namespace: ns, Reason: got.Status.Reason}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, d := range denied {
		if d != nil {
			return d
		}
	}
	return nil
}
