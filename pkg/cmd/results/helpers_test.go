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
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/kubectl/pkg/cmd/util/podcmd"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
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
	ended := map[string]kubefake.Option{"ok": kubefake.Complete(), "fail": kubefake.Failed("BackoffLimitExceeded")}[state]
	return kubefake.Job("ml", "mnist", name, kubefake.Created(created), kubefake.Index(index), kubefake.Params(paramsJSON), kubefake.Annotations(ann), ended)
}

// pod returns the pod of a trial in phase, its container "ml" terminated
// with message when the phase is final.
func pod(trialName string, phase corev1.PodPhase, message string) *corev1.Pod {
	return kubefake.Pod("ml", "mnist", trialName, trialName+"-x", kubefake.Created(created.Add(time.Second)),
		kubefake.Annotations(map[string]string{podcmd.DefaultContainerAnnotationName: "ml"}),
		kubefake.Containers(corev1.Container{Name: "sidecar"}, corev1.Container{Name: "ml"}), kubefake.Phase(phase, message))
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
