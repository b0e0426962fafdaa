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

// ListJobs lists the Jobs matching selector in namespace ns ("" for all
// namespaces), following Continue tokens page by page.
func ListJobs(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]batchv1.Job, error) {
	var out []batchv1.Job
	opts := metav1.ListOptions{LabelSelector: selector, Limit: PageSize}
	for {
		l, err := c.BatchV1().Jobs(ns).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if l.Continue == "" {
			return out, nil
		}
		opts.Continue = l.Continue
	}
}

// ListPods lists the pods matching selector in namespace ns ("" for all
// namespaces), following Continue tokens page by page.
func ListPods(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]corev1.Pod, error) {
	var out []corev1.Pod
	opts := metav1.ListOptions{LabelSelector: selector, Limit: PageSize}
	for {
		l, err := c.CoreV1().Pods(ns).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if l.Continue == "" {
			return out, nil
		}
		opts.Continue = l.Continue
	}
}
