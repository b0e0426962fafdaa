package incluster

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// rbacGroup is the API group of Roles and RoleBindings.
const rbacGroup = "rbac.authorization.k8s.io"

// CreateNeeds is what creating a driver needs in the namespace, checked
// before any write. Creating its Role also needs every access of
// drive.Needs (RBAC refuses to grant what the user does not hold).
var CreateNeeds = []kube.Access{
	{Verb: "create", Resource: "serviceaccounts"},
	{Verb: "create", Group: rbacGroup, Resource: "roles"},
	{Verb: "create", Group: rbacGroup, Resource: "rolebindings"},
	{Verb: "create", Group: "batch", Resource: "jobs"},
}

// DeleteNeeds is what removing a driver needs in the namespace.
var DeleteNeeds = []kube.Access{
	{Verb: "delete", Group: "batch", Resource: "jobs"},
	{Verb: "delete", Resource: "serviceaccounts"},
	{Verb: "delete", Group: rbacGroup, Resource: "roles"},
	{Verb: "delete", Group: rbacGroup, Resource: "rolebindings"},
}

// Create creates the driver objects, the Job last so that its pod finds
// its ServiceAccount and Role. Objects that exist already are kept; a
// driver Job that exists and has not finished is kept too (running is
// false then: that driver goes on); a finished one is replaced.
func Create(ctx context.Context, c kubernetes.Interface, o *Objects) (running bool, err error) {
	ns := o.Job.Namespace
	opts := metav1.CreateOptions{FieldManager: fieldManager}
	for _, create := range []func() error{
		func() error { _, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, o.ServiceAccount, opts); return err },
		func() error { _, err := c.RbacV1().Roles(ns).Create(ctx, o.Role, opts); return err },
		func() error { _, err := c.RbacV1().RoleBindings(ns).Create(ctx, o.RoleBinding, opts); return err },
	} {
		if err := create(); err != nil && !apierrors.IsAlreadyExists(err) {
			return false, fmt.Errorf("create the driver's objects: %w", err)
		}
	}
	old, err := c.BatchV1().Jobs(ns).Get(ctx, o.Job.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return false, fmt.Errorf("read the driver job %s: %w", o.Job.Name, err)
	case !Finished(old):
		return false, nil
	default:
		if err := stopJob(ctx, c, ns, o.Job.Name, time.Minute); err != nil {
			return false, err
		}
	}
	if _, err := c.BatchV1().Jobs(ns).Create(ctx, o.Job, opts); err != nil {
		return false, fmt.Errorf("create the driver job %s: %w", o.Job.Name, err)
	}
	return true, nil
}

// fieldManager is the field manager of the driver objects.
const fieldManager = "kubectl-mlexp"

// Finished reports whether a driver Job has ended (complete or failed).
func Finished(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == "True" {
			return true
		}
	}
	return false
}

// Stop deletes experiment exp's driver Job and waits, up to timeout, until
// it and its pod are gone, so that the driver cannot create a trial
// afterwards. It reports whether there was a driver Job.
func Stop(ctx context.Context, c kubernetes.Interface, ns, exp string, timeout time.Duration) (bool, error) {
	_, err := c.BatchV1().Jobs(ns).Get(ctx, Name(exp), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the driver job %s: %w", Name(exp), err)
	}
	return true, stopJob(ctx, c, ns, Name(exp), timeout)
}

// stopJob deletes Job name in the foreground (the Job goes once its pods
// are gone) and waits until it is gone.
func stopJob(ctx context.Context, c kubernetes.Interface, ns, name string, timeout time.Duration) error {
	policy := metav1.DeletePropagationForeground
	err := c.BatchV1().Jobs(ns).Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &policy})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete the driver job %s: %w", name, err)
	}
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		_, err := c.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		return fmt.Errorf("waiting for the driver job %s to stop: %w", name, err)
	}
	return nil
}

// Remove deletes experiment exp's driver ServiceAccount, Role and
// RoleBinding (after Stop); those already gone are skipped. It returns the
// kind/name of those it deleted.
func Remove(ctx context.Context, c kubernetes.Interface, ns, exp string, dryRun bool) ([]string, error) {
	name := Name(exp)
	opts := metav1.DeleteOptions{}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	var out []string
	for _, d := range []struct {
		kind string
		del  func() error
	}{
		{"rolebinding.rbac.authorization.k8s.io", func() error { return c.RbacV1().RoleBindings(ns).Delete(ctx, name, opts) }},
		{"role.rbac.authorization.k8s.io", func() error { return c.RbacV1().Roles(ns).Delete(ctx, name, opts) }},
		{"serviceaccount", func() error { return c.CoreV1().ServiceAccounts(ns).Delete(ctx, name, opts) }},
	} {
		err := d.del()
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("delete the driver's %s %s: %w", d.kind, name, err)
		}
		out = append(out, d.kind+"/"+name)
	}
	return out, nil
}

// Existing returns the kind/name of experiment exp's driver objects that
// exist (what delete removes), Job first.
func Existing(ctx context.Context, c kubernetes.Interface, ns, exp string) ([]string, error) {
	name := Name(exp)
	var out []string
	for _, g := range []struct {
		kind string
		get  func() error
	}{
		{"job.batch", func() error { _, err := c.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{}); return err }},
		{"rolebinding.rbac.authorization.k8s.io", func() error {
			_, err := c.RbacV1().RoleBindings(ns).Get(ctx, name, metav1.GetOptions{})
			return err
		}},
		{"role.rbac.authorization.k8s.io", func() error { _, err := c.RbacV1().Roles(ns).Get(ctx, name, metav1.GetOptions{}); return err }},
		{"serviceaccount", func() error { _, err := c.CoreV1().ServiceAccounts(ns).Get(ctx, name, metav1.GetOptions{}); return err }},
	} {
		err := g.get()
		switch {
		case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
		case err != nil:
			return nil, err
		default:
			out = append(out, g.kind+"/"+name)
		}
	}
	return out, nil
}
