// Package kueue reads what Kueue (the queueing system of Kubernetes' batch
// working group) records about an experiment's Jobs: their Workloads and
// the LocalQueues they wait in. It uses the dynamic client and minimal
// types of its own, so the plugin never depends on Kueue's Go module, and
// it never imports cobra.
package kueue

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Group is the API group of Kueue's resources.
const Group = "kueue.x-k8s.io"

// Versions are the versions of Group the plugin reads, preferred first:
// v1beta2 is Kueue's stored version since v0.15; v1beta1 is still served.
var Versions = []string{"v1beta2", "v1beta1"}

// Resource names of the Kueue objects the plugin reads.
const (
	Workloads   = "workloads"
	LocalQueues = "localqueues"
)

// API is the version of Kueue's API a cluster serves; its zero value
// means the cluster does not serve Kueue's API (Kueue is not installed).
type API struct {
	// Version is the served version of Group the plugin uses, or "".
	Version string
}

// Installed reports whether the cluster serves Kueue's API.
func (a API) Installed() bool { return a.Version != "" }

// GVR returns the resource of Kueue's API in the served version.
func (a API) GVR(resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: Group, Version: a.Version, Resource: resource}
}

// Discover asks the API server which version of Kueue's API it serves,
// trying Versions in order: one discovery GET per version tried (one when
// v1beta2 is served). A version counts only if it serves Workloads.
func Discover(ctx context.Context, d discovery.DiscoveryInterface) (API, error) {
	rd := discovery.ToServerResourcesInterfaceWithContext(d)
	for _, v := range Versions {
		gv := Group + "/" + v
		list, err := rd.ServerResourcesForGroupVersionWithContext(ctx, gv)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return API{}, fmt.Errorf("discover %s: %w", gv, err)
		}
		for _, r := range list.APIResources {
			if r.Name == Workloads {
				return API{Version: v}, nil
			}
		}
	}
	return API{}, nil
}

// Client reads and writes Kueue's objects in the version the cluster serves.
type Client struct {
	// API is the served version; not Installed when Kueue is absent.
	API API
	// Dynamic is the dynamic client; nil when Kueue is absent.
	Dynamic dynamic.Interface
}

// NewClient discovers Kueue's API with c's discovery client and, when the
// cluster serves it, takes a dynamic client from getter.
func NewClient(ctx context.Context, getter kube.Getter, c kubernetes.Interface) (*Client, error) {
	api, err := Discover(ctx, c.Discovery())
	if err != nil {
		return nil, err
	}
	out := &Client{API: api}
	if !api.Installed() {
		return out, nil
	}
	if out.Dynamic, err = getter.DynamicClient(); err != nil {
		return nil, err
	}
	return out, nil
}

// Workloads lists the Workloads of namespace ns; none when Kueue is absent.
func (c *Client) Workloads(ctx context.Context, ns string) ([]Workload, error) {
	if !c.API.Installed() {
		return nil, nil
	}
	return ListWorkloads(ctx, c.Dynamic, c.API, ns)
}

// UsesQueue reports whether any of jobs names a Kueue LocalQueue.
func UsesQueue(jobs []batchv1.Job) bool {
	for i := range jobs {
		if jobs[i].Labels[keys.KueueQueueName] != "" {
			return true
		}
	}
	return false
}
