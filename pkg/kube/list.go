package kube

import (
	"context"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// PageSize is the number of objects asked for in one List page (500, as
// kubectl get). A variable so tests can walk the continuation path with
// small experiments.
var PageSize int64 = 500

// listPages calls list page by page, following Continue tokens, trims
// each item as soon as its page is decoded, and returns every item. When a
// continue token has expired (410 Gone: the snapshot it pins was compacted
// away during a slow walk), it starts over with one List without a limit,
// which the API server answers from its current state, as client-go's
// pager does.
func listPages[T any](ctx context.Context, selector string, trim func(*T), list func(context.Context, metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	return listKept(ctx, selector, func(x *T) bool { trim(x); return true }, list)
}

// listKept is listPages keeping only the items keep, which may trim them,
// returns true for, page by page: memory holds the items kept and one page.
func listKept[T any](ctx context.Context, selector string, keep func(*T) bool, list func(context.Context, metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	var pages [][]T
	total := 0
	opts := metav1.ListOptions{LabelSelector: selector, Limit: PageSize}
	for {
		items, next, err := list(ctx, opts)
		if err != nil {
			if opts.Continue == "" || !apierrors.IsResourceExpired(err) {
				return nil, err
			}
			opts = metav1.ListOptions{LabelSelector: selector}
			pages, total = nil, 0
			continue
		}
		n := 0
		for i := range items {
			if keep(&items[i]) {
				items[n] = items[i]
				n++
			}
		}
		if n < len(items) {
			// Let the page's dropped items go: keep an exact copy of the rest.
			items = slices.Clone(items[:n])
		}
		pages = append(pages, items)
		total += len(items)
		if next == "" {
			break
		}
		opts.Continue = next
	}
	if len(pages) == 1 {
		return pages[0], nil
	}
	// One exact allocation rather than append's doublings: a Job is 1.3 KB
	// before anything it points to.
	out := make([]T, 0, total)
	for i, p := range pages {
		out = append(out, p...)
		pages[i] = nil
	}
	return out, nil
}

// ListJobs lists the Jobs matching selector in namespace ns ("" for all
// namespaces), page by page, without their managed fields.
func ListJobs(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]batchv1.Job, error) {
	return listJobs(ctx, c, ns, selector, trimJob)
}

func listJobs(ctx context.Context, c kubernetes.Interface, ns, selector string, trim func(*batchv1.Job)) ([]batchv1.Job, error) {
	return listPages(ctx, selector, trim, func(ctx context.Context, o metav1.ListOptions) ([]batchv1.Job, string, error) {
		l, err := c.BatchV1().Jobs(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

// ListPods lists the pods matching selector in namespace ns ("" for all
// namespaces), page by page, without what no command reads (see trimPod).
func ListPods(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]corev1.Pod, error) {
	return listPages(ctx, selector, trimPod, func(ctx context.Context, o metav1.ListOptions) ([]corev1.Pod, string, error) {
		l, err := c.CoreV1().Pods(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

// ListEvents lists every event of namespace ns, page by page.
func ListEvents(ctx context.Context, c kubernetes.Interface, ns string) ([]corev1.Event, error) {
	return listPages(ctx, "", trimEvent, func(ctx context.Context, o metav1.ListOptions) ([]corev1.Event, string, error) {
		l, err := c.CoreV1().Events(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}

// ListUnstructured lists the objects of resource gvr matching selector in
// namespace ns ("" for all namespaces) through the dynamic client, page by
// page.
func ListUnstructured(ctx context.Context, c dynamic.Interface, gvr schema.GroupVersionResource, ns, selector string) ([]unstructured.Unstructured, error) {
	trim := func(u *unstructured.Unstructured) { u.SetManagedFields(nil) }
	return listPages(ctx, selector, trim, func(ctx context.Context, o metav1.ListOptions) ([]unstructured.Unstructured, string, error) {
		l, err := c.Resource(gvr).Namespace(ns).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.GetContinue(), nil
	})
}
