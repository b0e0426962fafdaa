package results

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/kubectl/pkg/cmd/util/podcmd"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

var created = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// getter is a kube.Getter over a fake clientset.
type getter struct{ client kubernetes.Interface }

func (g getter) Namespace() (string, error)                         { return "ml", nil }
func (g getter) KubernetesClientSet() (kubernetes.Interface, error) { return g.client, nil }
func (g getter) MetricsClientSet() (metricsclientset.Interface, error) {
	return nil, fmt.Errorf("no metrics in tests")
}
func (g getter) DynamicClient() (dynamic.Interface, error) {
	return nil, fmt.Errorf("no dynamic client in tests")
}

// job returns trial Job name at index with params JSON, finished as state
// says ("ok", "fail" or "" for running), and extra annotations.
func job(name string, index int, paramsJSON, state string, ann map[string]string) *batchv1.Job {
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{
		Name: name, Namespace: "ml", CreationTimestamp: metav1.NewTime(created),
		Labels:      map[string]string{keys.Experiment: "mnist", keys.Trial: name},
		Annotations: map[string]string{keys.Index: fmt.Sprint(index), keys.Params: paramsJSON},
	}}
	for k, v := range ann {
		j.Annotations[k] = v
	}
	switch state {
	case "ok":
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	case "fail":
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded"}}
	}
	return j
}

// pod returns the pod of a trial in phase, its container "ml" terminated
// with message when the phase is final.
func pod(trialName string, phase corev1.PodPhase, message string) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: trialName + "-x", Namespace: "ml", CreationTimestamp: metav1.NewTime(created.Add(time.Second)),
			Labels: map[string]string{keys.Experiment: "mnist", keys.Trial: trialName},
		},
		Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "sidecar"}, {Name: "ml"}}},
		Status: corev1.PodStatus{Phase: phase},
	}
	p.Annotations = map[string]string{podcmd.DefaultContainerAnnotationName: "ml"}
	cs := corev1.ContainerStatus{Name: "ml"}
	switch phase {
	case corev1.PodRunning:
		cs.State.Running = &corev1.ContainerStateRunning{}
	case corev1.PodSucceeded, corev1.PodFailed:
		code := int32(0)
		if phase == corev1.PodFailed {
			code = 1
		}
		cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: code, Message: message}
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
	return p
}

// logs is a fake log server: pod name -> log text; it counts reads.
type logs struct {
	mu    sync.Mutex
	text  map[string]string
	fail  map[string]error
	reads []string
}

func (l *logs) open(_ context.Context, ns, pod, container string) (io.ReadCloser, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reads = append(l.reads, ns+"/"+pod+"/"+container)
	if err := l.fail[pod]; err != nil {
		return nil, err
	}
	return io.NopCloser(strings.NewReader(l.text[pod])), nil
}

// run runs `results mnist ARGS` against c with log source l and returns
// stdout and stderr.
func run(t *testing.T, c *fake.Clientset, l *logs, args ...string) (string, string) {
	t.Helper()
	return runOn(t, true, c, l, args...)
}

// runOn is run with stdout and stderr a terminal (tty) or a pipe.
func runOn(t *testing.T, tty bool, c *fake.Clientset, l *logs, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := &cobra.Command{}
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: getter{c}, MaxRequests: DefaultMaxRequests,
		IsTerminal: func(io.Writer) bool { return tty }}
	if l != nil {
		o.OpenLog = l.open
	}
	o.AddFlags(cmd)
	if err := cmd.Flags().Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

// patches returns "job: annotation" for every patch sent, and clears the
// recorded actions.
func patches(c *fake.Clientset) []string {
	var out []string
	for _, a := range c.Actions() {
		if p, ok := a.(k8stesting.PatchAction); ok {
			out = append(out, p.GetName()+": "+string(p.GetPatch()))
		}
	}
	c.ClearActions()
	return out
}
