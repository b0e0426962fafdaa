package incluster

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// LogOptions says which of the driver's log to show.
type LogOptions struct {
	// Follow streams new lines, and the next pod's when the Job replaces
	// a driver pod that died, until the driver's Job has finished.
	Follow bool
	// Timestamps keeps each line's timestamp.
	Timestamps bool
	// Poll is how often a follow looks for the driver's next pod; zero is
	// one second.
	Poll time.Duration
}

// Logs writes the log of experiment exp's driver to out: its newest pod's,
// and, following, each pod's the Job starts after it.
func Logs(ctx context.Context, c kubernetes.Interface, ns, exp string, o LogOptions, out io.Writer) error {
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	pod, err := newestPod(ctx, c, ns, exp, nil)
	if err != nil {
		return err
	}
	if pod == nil {
		j, err := ReadJob(ctx, c, ns, exp)
		if err != nil {
			return err
		}
		if j == nil {
			return fmt.Errorf("experiment %q has no driver in the cluster in namespace %q (submit or tune --driver=cluster starts one)", exp, ns)
		}
	}
	done := map[string]bool{}
	for {
		if pod == nil || done[pod.Name] {
			if !o.Follow {
				return nil
			}
			if pod, err = nextPod(ctx, c, ns, exp, done, o.Poll); pod == nil || err != nil {
				return err
			}
		}
		done[pod.Name] = true
		if err := streamPod(ctx, c, ns, pod.Name, o, out); err != nil {
			return err
		}
	}
}

// streamPod copies one driver pod's log to out, waiting for its container
// to start when following.
func streamPod(ctx context.Context, c kubernetes.Interface, ns, pod string, o LogOptions, out io.Writer) error {
	opts := &corev1.PodLogOptions{Container: Container, Follow: o.Follow, Timestamps: o.Timestamps}
	var rc io.ReadCloser
	err := wait.PollUntilContextCancel(ctx, o.Poll, true, func(ctx context.Context) (bool, error) {
		var err error
		rc, err = c.CoreV1().Pods(ns).GetLogs(pod, opts).Stream(ctx)
		if err != nil && o.Follow {
			return false, nil // not started yet: wait for it
		}
		return true, err
	})
	if err != nil {
		return fmt.Errorf("log of the driver pod %s: %w", pod, err)
	}
	defer rc.Close()
	_, err = io.Copy(out, rc)
	return err
}

// nextPod waits for a driver pod not in done; nil once the driver's Job
// has finished or is gone and no such pod is left.
func nextPod(ctx context.Context, c kubernetes.Interface, ns, exp string, done map[string]bool, poll time.Duration) (*corev1.Pod, error) {
	var pod *corev1.Pod
	err := wait.PollUntilContextCancel(ctx, poll, true, func(ctx context.Context) (bool, error) {
		var err error
		if pod, err = newestPod(ctx, c, ns, exp, done); pod != nil || err != nil {
			return true, err
		}
		j, err := ReadJob(ctx, c, ns, exp)
		return j == nil || Finished(j), err
	})
	return pod, err
}

// newestPod returns the newest pod of experiment exp's driver not in
// skip, or nil when there is none.
func newestPod(ctx context.Context, c kubernetes.Interface, ns, exp string, skip map[string]bool) (*corev1.Pod, error) {
	l, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: keys.ForDriver(exp)})
	if err != nil {
		return nil, fmt.Errorf("list the driver's pods: %w", err)
	}
	pods := l.Items[:0]
	for _, p := range l.Items {
		if !skip[p.Name] {
			pods = append(pods, p)
		}
	}
	if len(pods) == 0 {
		return nil, nil
	}
	sort.Slice(pods, func(a, b int) bool { return pods[a].CreationTimestamp.After(pods[b].CreationTimestamp.Time) })
	return &pods[0], nil
}
