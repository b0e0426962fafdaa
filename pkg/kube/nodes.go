package kube

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ListNodes lists the cluster's nodes, page by page.
func ListNodes(ctx context.Context, c kubernetes.Interface) ([]corev1.Node, error) {
	// Nothing reads a node's managed fields or its list of images.
	trim := func(n *corev1.Node) { n.ManagedFields, n.Status.Images = nil, nil }
	return listPages(ctx, "", trim, func(ctx context.Context, o metav1.ListOptions) ([]corev1.Node, string, error) {
		l, err := c.CoreV1().Nodes().List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}
