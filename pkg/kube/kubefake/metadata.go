package kubefake

import (
	"context"
	"fmt"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
)

// Metadata is a metadata-only client (k8s.io/client-go/metadata) over a
// fake clientset's objects, for kube.MetadataOf: it lists Jobs and pods
// through the clientset (its reactors and label selectors apply) and
// keeps only their metadata, counting the Lists it made, so that a test
// can tell a metadata-only List from a full one.
type Metadata struct {
	kubernetes.Interface
	mu    sync.Mutex
	lists map[string]int
}

// WithMetadata returns c with a metadata-only client beside it, as a
// FlagsGetter's clientset has.
func WithMetadata(c kubernetes.Interface) *Metadata {
	return &Metadata{Interface: c, lists: map[string]int{}}
}

// Metadata returns the metadata-only client, for kube.MetadataOf.
func (m *Metadata) Metadata() metadata.Interface { return metaClient{m} }

// Lists returns how many metadata-only Lists of resource ("jobs") were made.
func (m *Metadata) Lists(resource string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lists[resource]
}

type metaClient struct{ m *Metadata }

func (c metaClient) Resource(r schema.GroupVersionResource) metadata.Getter {
	return metaResource{m: c.m, resource: r.Resource}
}

// metaResource implements List only; the plugin makes no other
// metadata-only call.
type metaResource struct {
	m         *Metadata
	resource  string
	namespace string
}

func (r metaResource) Namespace(ns string) metadata.ResourceInterface {
	r.namespace = ns
	return r
}

func (r metaResource) List(ctx context.Context, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	r.m.mu.Lock()
	r.m.lists[r.resource]++
	r.m.mu.Unlock()
	out := &metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "PartialObjectMetadataList"}}
	add := func(m metav1.ObjectMeta) {
		out.Items = append(out.Items, metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "PartialObjectMetadata"}, ObjectMeta: m})
	}
	switch r.resource {
	case "jobs":
		l, err := r.m.BatchV1().Jobs(r.namespace).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, j := range l.Items {
			add(j.ObjectMeta)
		}
		out.Continue = l.Continue
	case "pods":
		l, err := r.m.CoreV1().Pods(r.namespace).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, p := range l.Items {
			add(p.ObjectMeta)
		}
		out.Continue = l.Continue
	default:
		return nil, fmt.Errorf("kubefake: no metadata-only List of %s", r.resource)
	}
	return out, nil
}

func (r metaResource) unsupported(verb string) error {
	return fmt.Errorf("kubefake: no metadata-only %s of %s", verb, r.resource)
}

func (r metaResource) Delete(context.Context, string, metav1.DeleteOptions, ...string) error {
	return r.unsupported("delete")
}

func (r metaResource) DeleteCollection(context.Context, metav1.DeleteOptions, metav1.ListOptions) error {
	return r.unsupported("deletecollection")
}

func (r metaResource) Get(context.Context, string, metav1.GetOptions, ...string) (*metav1.PartialObjectMetadata, error) {
	return nil, r.unsupported("get")
}

func (r metaResource) Watch(context.Context, metav1.ListOptions) (watch.Interface, error) {
	return nil, r.unsupported("watch")
}

func (r metaResource) Patch(context.Context, string, types.PatchType, []byte, metav1.PatchOptions, ...string) (*metav1.PartialObjectMetadata, error) {
	return nil, r.unsupported("patch")
}
