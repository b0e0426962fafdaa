package kube

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
)

// withMetadata is the clientset of a FlagsGetter: a typed client and, for
// the lists that read only labels and annotations, a metadata-only one
// over the same connection.
type withMetadata struct {
	*kubernetes.Clientset
	meta metadata.Interface
}

// Metadata returns the metadata-only client.
func (w *withMetadata) Metadata() metadata.Interface { return w.meta }

// MetadataOf returns the metadata-only client that goes with c (c's
// Metadata method, as a FlagsGetter's clientset or kubefake.WithMetadata
// has), nil when c has none (a plain fake clientset): the lists below then
// read full objects and keep their metadata.
func MetadataOf(c kubernetes.Interface) metadata.Interface {
	if w, ok := c.(interface{ Metadata() metadata.Interface }); ok {
		return w.Metadata()
	}
	return nil
}

// ListJobMeta lists the metadata of the Jobs matching selector in namespace
// ns ("" for all namespaces), page by page: their names, labels and
// annotations (a spec hash, the attempts of a retried trial), without
// their managed fields. Through the metadata API (metadata.k8s.io
// PartialObjectMetadataList, in protobuf) the API server sends nothing
// else, a tenth of a Job.
func ListJobMeta(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]metav1.PartialObjectMetadata, error) {
	return listMeta(ctx, c, batchv1.SchemeGroupVersion.WithResource("jobs"), ns, selector,
		func(ctx context.Context, o metav1.ListOptions) ([]metav1.PartialObjectMetadata, string, error) {
			l, err := c.BatchV1().Jobs(ns).List(ctx, o)
			if err != nil {
				return nil, "", err
			}
			return metaOf(l.Items), l.Continue, nil
		})
}

// ListPodMeta lists the metadata of the pods matching selector in
// namespace ns, as ListJobMeta does for Jobs: what a command that counts
// pods by their labels needs.
func ListPodMeta(ctx context.Context, c kubernetes.Interface, ns, selector string) ([]metav1.PartialObjectMetadata, error) {
	return listMeta(ctx, c, corev1.SchemeGroupVersion.WithResource("pods"), ns, selector,
		func(ctx context.Context, o metav1.ListOptions) ([]metav1.PartialObjectMetadata, string, error) {
			l, err := c.CoreV1().Pods(ns).List(ctx, o)
			if err != nil {
				return nil, "", err
			}
			return metaOf(l.Items), l.Continue, nil
		})
}

// metaOf returns the metadata of typed objects (Jobs, pods) as the
// metadata-only client lists them.
func metaOf[T any, P interface {
	*T
	metav1.ObjectMetaAccessor
	runtime.Object
}](items []T) []metav1.PartialObjectMetadata {
	out := make([]metav1.PartialObjectMetadata, len(items))
	for i := range items {
		p := P(&items[i])
		out[i] = *apimeta.AsPartialObjectMetadata(p.GetObjectMeta())
		if tm, ok := p.GetObjectKind().(*metav1.TypeMeta); ok {
			out[i].TypeMeta = *tm
		}
	}
	return out
}

// listMeta lists the metadata of resource through c's metadata-only
// client, or through typed, whole objects when c has none.
func listMeta(ctx context.Context, c kubernetes.Interface, resource schema.GroupVersionResource, ns, selector string,
	typed func(context.Context, metav1.ListOptions) ([]metav1.PartialObjectMetadata, string, error)) ([]metav1.PartialObjectMetadata, error) {
	trim := func(m *metav1.PartialObjectMetadata) { m.ManagedFields = nil }
	meta := MetadataOf(c)
	if meta == nil {
		return listPages(ctx, selector, trim, typed)
	}
	r := meta.Resource(resource).Namespace(ns)
	return listPages(ctx, selector, trim, func(ctx context.Context, o metav1.ListOptions) ([]metav1.PartialObjectMetadata, string, error) {
		l, err := r.List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})
}
