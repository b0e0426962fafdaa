package top

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	kubefake "k8s.io/client-go/kubernetes/fake"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"
	metricsfake "k8s.io/metrics/pkg/client/clientset/versioned/fake"

	mlexpfake "github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// fakeGetter is a kube.Getter over fake clientsets.
type fakeGetter struct {
	ns      string
	kube    *kubefake.Clientset
	metrics *metricsfake.Clientset
}

func (g *fakeGetter) Namespace() (string, error)                         { return g.ns, nil }
func (g *fakeGetter) KubernetesClientSet() (kubernetes.Interface, error) { return g.kube, nil }
func (g *fakeGetter) MetricsClientSet() (metricsclientset.Interface, error) {
	return g.metrics, nil
}
func (g *fakeGetter) DynamicClient() (dynamic.Interface, error) {
	return nil, fmt.Errorf("top needs no dynamic client")
}

var (
	podMetricsGVR  = schema.GroupVersionResource{Group: "metrics.k8s.io", Version: "v1beta1", Resource: "pods"}
	nodeMetricsGVR = schema.GroupVersionResource{Group: "metrics.k8s.io", Version: "v1beta1", Resource: "nodes"}
)

// newGetter returns a getter whose clusters hold objs; metrics objects go
// to the metrics clientset under the resources its client asks for (the
// fake's own guess, "podmetricses", is not what PodMetricses() lists).
func newGetter(objs ...runtime.Object) *fakeGetter {
	var kubeObjs []runtime.Object
	m := metricsfake.NewSimpleClientset()
	for _, o := range objs {
		var err error
		switch x := o.(type) {
		case *metricsv1beta1.PodMetrics:
			err = m.Tracker().Create(podMetricsGVR, x, x.Namespace)
		case *metricsv1beta1.NodeMetrics:
			err = m.Tracker().Create(nodeMetricsGVR, x, "")
		default:
			kubeObjs = append(kubeObjs, o)
		}
		if err != nil {
			panic(err)
		}
	}
	return &fakeGetter{ns: "ns", kube: kubefake.NewClientset(kubeObjs...), metrics: m}
}

func rl(cpu, mem string) corev1.ResourceList {
	l := corev1.ResourceList{}
	if cpu != "" {
		l[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		l[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return l
}

// job returns a trial Job of experiment "mnist" with params lr and index i.
func job(name string, i int, lr string) *batchv1.Job {
	return mlexpfake.Job("ns", "mnist", name, mlexpfake.Params(`{"lr":`+lr+`}`), mlexpfake.Index(i))
}

// runningPod returns the running pod of trial on node with one container "ml".
func runningPod(trialName, node string, req, lim corev1.ResourceList) *corev1.Pod {
	p := mlexpfake.Pod("ns", "mnist", trialName, trialName+"-abcde", mlexpfake.Node(node), mlexpfake.Containers(corev1.Container{
		Name: "ml", Resources: corev1.ResourceRequirements{Requests: req, Limits: lim},
	}))
	p.Status.Phase = corev1.PodRunning
	return p
}

func pendingPod(trialName string) *corev1.Pod {
	p := mlexpfake.Pod("ns", "mnist", trialName, trialName+"-fghij")
	p.Status = corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{
		Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: "0/1 nodes are available: 1 Insufficient cpu.",
	}}}
	return p
}

func podUsage(p *corev1.Pod, containers ...metricsv1beta1.ContainerMetrics) *metricsv1beta1.PodMetrics {
	return &metricsv1beta1.PodMetrics{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, Labels: p.Labels},
		Containers: containers,
	}
}

func usageOf(name, cpu, mem string) metricsv1beta1.ContainerMetrics {
	return metricsv1beta1.ContainerMetrics{Name: name, Usage: rl(cpu, mem)}
}

func node(name, cpu, mem string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NodeStatus{Allocatable: rl(cpu, mem)}}
}

func nodeUsage(name, cpu, mem string) *metricsv1beta1.NodeMetrics {
	return &metricsv1beta1.NodeMetrics{ObjectMeta: metav1.ObjectMeta{Name: name}, Usage: rl(cpu, mem)}
}
