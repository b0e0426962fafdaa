package kubefake

import (
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// Authorize makes c answer SelfSubjectAccessReviews with allowed (a fake
// clientset otherwise echoes them back, denied).
func Authorize(c *fake.Clientset, allowed func(authorizationv1.ResourceAttributes) bool) {
	c.PrependReactor("create", "selfsubjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		review := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview).DeepCopy()
		if ra := review.Spec.ResourceAttributes; ra != nil {
			review.Status.Allowed = allowed(*ra)
		}
		return true, review, nil
	})
}

// AllowAll makes c allow everything a command asks about.
func AllowAll(c *fake.Clientset) {
	Authorize(c, func(authorizationv1.ResourceAttributes) bool { return true })
}
