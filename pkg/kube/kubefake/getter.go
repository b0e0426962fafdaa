// Package kubefake provides a kube.Getter over fake clientsets for command
// tests that only check wiring and printing.
package kubefake

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"
)

// Getter is a kube.Getter that returns fixed clients.
type Getter struct {
	// NS is the namespace the command runs in.
	NS string
	// NSExplicit says NS was given with -n.
	NSExplicit bool
	// Client is returned by KubernetesClientSet.
	Client kubernetes.Interface
	// Metrics is returned by MetricsClientSet.
	Metrics metricsclientset.Interface
	// Dynamic is returned by DynamicClient; nil gives an empty fake one.
	Dynamic dynamic.Interface
	// Connection is returned by ConnectionArgs: the connection flags the
	// user gave, e.g. --context kind-dev.
	Connection []string
}

// ConnectionArgs returns Connection, for kube.ConnectionArgs.
func (g *Getter) ConnectionArgs() []string { return g.Connection }

// Namespace implements kube.Getter.
func (g *Getter) Namespace() (string, error) { return g.NS, nil }

// ExplicitNamespace returns NS and NSExplicit, for kube.ExplicitNamespace.
func (g *Getter) ExplicitNamespace() (string, bool, error) { return g.NS, g.NSExplicit, nil }

// KubernetesClientSet implements kube.Getter.
func (g *Getter) KubernetesClientSet() (kubernetes.Interface, error) { return g.Client, nil }

// MetricsClientSet implements kube.Getter.
func (g *Getter) MetricsClientSet() (metricsclientset.Interface, error) { return g.Metrics, nil }

// DynamicClient implements kube.Getter.
func (g *Getter) DynamicClient() (dynamic.Interface, error) {
	if g.Dynamic == nil {
		g.Dynamic = dynamicfake.NewSimpleDynamicClient(runtime.NewScheme())
	}
	return g.Dynamic, nil
}
