package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Cluster is the bench's own view of the cluster under test.
type Cluster struct {
	Config *rest.Config
	Client kubernetes.Interface
	Log    io.Writer
}

// NewCluster connects with kubeconfig through the plugin's own client
// configuration (kube.FlagsGetter: rate limit, encoding), so the
// raw-create baseline gets the same.
func NewCluster(kubeconfig string, log io.Writer) (*Cluster, error) {
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = &kubeconfig
	cfg, err := kube.NewFlagsGetter(flags).RESTConfig()
	if err != nil {
		return nil, err
	}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Cluster{Config: cfg, Client: c, Log: log}, nil
}

// NewNamespace creates a namespace named prefix-XXXX and waits for its
// default ServiceAccount (pods need it).
func (c *Cluster) NewNamespace(ctx context.Context, prefix string) (string, error) {
	name := fmt.Sprintf("%s-%04x", prefix, rand.IntN(1<<16))
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"mlexp.dev/bench": "true"}}}
	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return "", fmt.Errorf("create namespace %s: %w", name, err)
	}
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := c.Client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		return name, fmt.Errorf("namespace %s: no default ServiceAccount: %w", name, err)
	}
	return name, nil
}

// DeleteNamespace deletes ns and waits until it is gone, so the next
// measurement does not share the machine with its garbage collection.
func (c *Cluster) DeleteNamespace(ctx context.Context, ns string) error {
	policy := metav1.DeletePropagationBackground
	err := c.Client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{PropagationPolicy: &policy})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	start := time.Now()
	err = wait.PollUntilContextTimeout(ctx, time.Second, 20*time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := c.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		return fmt.Errorf("namespace %s still there after %v: %w", ns, time.Since(start).Round(time.Second), err)
	}
	fmt.Fprintf(c.Log, "  (namespace %s deleted in %v)\n", ns, time.Since(start).Round(time.Second))
	return nil
}

// SimulatedNodes returns how many Ready nodes match selector and the key
// of their NoSchedule taint.
func (c *Cluster) SimulatedNodes(ctx context.Context, selector string) (ready int, taintKey string, err error) {
	nodes, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return 0, "", err
	}
	for _, n := range nodes.Items {
		for _, t := range n.Spec.Taints {
			if t.Effect == corev1.TaintEffectNoSchedule && taintKey == "" {
				taintKey = t.Key
			}
		}
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
				ready++
			}
		}
	}
	return ready, taintKey, nil
}

// Jobs lists the Jobs of ns matching selector.
func (c *Cluster) Jobs(ctx context.Context, ns, selector string) ([]batchv1.Job, error) {
	return kube.ListJobs(ctx, c.Client, ns, selector)
}

// WaitFinished waits until ns holds n Jobs matching selector of which
// want have finished (Complete or Failed), and returns how long that took
// and the Jobs.
func (c *Cluster) WaitFinished(ctx context.Context, ns, selector string, n, want int, timeout time.Duration) (time.Duration, []batchv1.Job, error) {
	start := time.Now()
	var jobs []batchv1.Job
	last := time.Now()
	err := wait.PollUntilContextTimeout(ctx, 3*time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		var err error
		if jobs, err = c.Jobs(ctx, ns, selector); err != nil {
			return false, nil // the API server may be busy; try again
		}
		done := finished(jobs)
		if time.Since(last) > 30*time.Second {
			fmt.Fprintf(c.Log, "  ... %d of %d trials finished after %v\n", done, want, time.Since(start).Round(time.Second))
			last = time.Now()
		}
		return len(jobs) == n && done >= want, nil
	})
	if err != nil {
		return time.Since(start), jobs, fmt.Errorf("%d of %d trials finished after %v: %w", finished(jobs), want, time.Since(start).Round(time.Second), err)
	}
	return time.Since(start), jobs, nil
}

// finished counts the Jobs with a Complete or Failed condition.
func finished(jobs []batchv1.Job) int {
	n := 0
	for _, j := range jobs {
		for _, cond := range j.Status.Conditions {
			if (cond.Type == batchv1.JobComplete || cond.Type == batchv1.JobFailed) && cond.Status == corev1.ConditionTrue {
				n++
				break
			}
		}
	}
	return n
}
