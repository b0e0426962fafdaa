// Package kubefake provides a kube.Getter over fake clientsets for command
// tests that only check wiring and printing.
package kubefake

import (
	"k8s.io/client-go/kubernetes"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"
)

// Getter is a kube.Getter that returns fixed clients.
type Getter struct {
	// NS is the namespace the command runs in.
	NS string
	// Client is returned by KubernetesClientSet.
	Client kubernetes.Interface
	// Metrics is returned by MetricsClientSet.
	Metrics metricsclientset.Interface
}

// Namespace implements kube.Getter.
func (g *Getter) Namespace() (string, error) { return g.NS, nil }

// KubernetesClientSet implements kube.Getter.
func (g *Getter) KubernetesClientSet() (kubernetes.Interface, error) { return g.Client, nil }

// MetricsClientSet implements kube.Getter.
func (g *Getter) MetricsClientSet() (metricsclientset.Interface, error) { return g.Metrics, nil }
