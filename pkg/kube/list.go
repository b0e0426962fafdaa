package kube

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// PageSize is the number of objects asked for in one List page.
const PageSize = 500

// listPages calls list page by page, following Continue tokens, and
// returns every item.
func listPages[T any](ctx context.Context, selector string, list func(context.Context, metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	var out []T
	opts := metav1.ListOptions{LabelSelector: selector, Limit: PageSize}
	for {
		items, next, err := list(ctx, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		opts.Continue = next
	}
}

// ListJobs lists the Jobs matching selector in namespace ns ("" for all
// namespaces), page by page.
func ListJobs(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]batchv1.Job, error) {
	return listPages(ctx, selector, func(ctx context.Context, o metav1.ListOptions) ([]batchv1.Job, string, error) {
		l, err := c.BatchV1().Jobs(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

// ListPods lists the pods matching selector in namespace ns ("" for all
// namespaces), page by page.
func ListPods(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]corev1.Pod, error) {
	return listPages(ctx, selector, func(ctx context.Context, o metav1.ListOptions) ([]corev1.Pod, string, error) {
		l, err := c.CoreV1().Pods(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

// ListEvents lists every event of namespace ns, page by page.
func ListEvents(ctx context.Context, c kubernetes.Interface, ns string) ([]corev1.Event, error) {
	return listPages(ctx, "", func(ctx context.Context, o metav1.ListOptions) ([]corev1.Event, string, error) {
		l, err := c.CoreV1().Events(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}
