package drive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

const searchFile = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: quad}
spec:
  search:
    algorithm: %s
    parallelTrials: 2
    maxTrials: %d
    params:
      x: {uniform: [0, 10]}
  template:
    spec:
      template:
        spec:
          containers:
          - name: main
            image: toolbox
            command: [sh, -c, "echo loss=${x}"]
  results:
    metric: loss
    goal: min
`

func loadSearch(t *testing.T, algorithm string, max int) *experiment.Experiment {
	t.Helper()
	exp, err := experiment.Parse("quad.yaml", []byte(fmt.Sprintf(searchFile, algorithm, max)), experiment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

// cluster plays the Job controller and the kubelet on a fake clientset:
// every Job created gets a pod that succeeds at once, and its log prints
// the objective (x-3)^2 of the trial's parameter x.
type cluster struct {
	c *fake.Clientset
	t *testing.T

	mu         sync.Mutex
	unfinished int
	maxAtOnce  int
	created    []string
}

func newCluster(t *testing.T) *cluster {
	return &cluster{c: fake.NewClientset(), t: t}
}

// run finishes every Job created until ctx ends.
func (k *cluster) run(ctx context.Context) {
	w, err := k.c.BatchV1().Jobs("ns").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		k.t.Error(err)
		return
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-w.ResultChan():
			if ev.Type != watch.Added {
				continue
			}
			job := ev.Object.(*batchv1.Job)
			k.mu.Lock()
			k.unfinished++
			k.maxAtOnce = max(k.maxAtOnce, k.unfinished)
			k.created = append(k.created, job.Name)
			k.mu.Unlock()
			// Trials run a little while, so the driver sees them running.
			time.AfterFunc(100*time.Millisecond, func() { k.finish(ctx, job) })
		}
	}
}

func (k *cluster) finish(ctx context.Context, job *batchv1.Job) {
	now := metav1.Now()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: job.Name + "-pod", Namespace: "ns", Labels: job.Spec.Template.Labels},
		Spec:       job.Spec.Template.Spec,
		Status: corev1.PodStatus{Phase: corev1.PodSucceeded, StartTime: &now, ContainerStatuses: []corev1.ContainerStatus{{
			Name: "main", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed"}}}}},
	}
	if _, err := k.c.CoreV1().Pods("ns").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		k.t.Error(err)
	}
	k.mu.Lock()
	k.unfinished--
	k.mu.Unlock()
	job = job.DeepCopy()
	job.Status.StartTime = &now
	job.Status.CompletionTime = &now
	job.Status.Succeeded = 1
	job.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: now}}
	if _, err := k.c.BatchV1().Jobs("ns").UpdateStatus(ctx, job, metav1.UpdateOptions{}); err != nil {
		k.t.Error(err)
	}
}

// openLog prints the objective of the pod's trial.
func (k *cluster) openLog(ctx context.Context, ns, pod, container string) (io.ReadCloser, error) {
	job, err := k.c.BatchV1().Jobs(ns).Get(ctx, strings.TrimSuffix(pod, "-pod"), metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	p, err := params.Decode(job.Annotations[keys.Params])
	if err != nil {
		return nil, err
	}
	xv, _ := p.Get("x")
	x := xv.(float64)
	return io.NopCloser(strings.NewReader(fmt.Sprintf("epoch 1 loss=%g\nloss=%g\n", (x-3)*(x-3)+1, (x-3)*(x-3)))), nil
}

// A search of 6 trials two at a time creates exactly 6 trials named by
// index, never more than 2 unfinished, records each objective on its Job
// and ends when 6 have finished.
func TestDriverRunsTheSearch(t *testing.T) {
	shortLeases(t)
	k := newCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go k.run(ctx)
	var out, errOut bytes.Buffer
	d := &Driver{Client: k.c, Namespace: "ns", Exp: loadSearch(t, "random", 6), Identity: "test",
		Out: &out, ErrOut: &errOut, MaxRequests: 2, OpenLog: k.openLog}
	dec, err := d.Run(ctx)
	if err != nil {
		t.Fatalf("%v\nout:\n%s\nerr:\n%s", err, out.String(), errOut.String())
	}
	if dec.End == nil || dec.End.Reason != MaxTrialsReached || dec.Finished != 6 {
		t.Errorf("ended %+v after %d trials, want MaxTrialsReached after 6", dec.End, dec.Finished)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	want := []string{"quad-000", "quad-001", "quad-002", "quad-003", "quad-004", "quad-005"}
	if strings.Join(k.created, ",") != strings.Join(want, ",") {
		t.Errorf("created %v, want %v", k.created, want)
	}
	if k.maxAtOnce > 2 {
		t.Errorf("%d trials unfinished at once, want at most parallelTrials 2", k.maxAtOnce)
	}
	jobs, _ := k.c.BatchV1().Jobs("ns").List(ctx, metav1.ListOptions{})
	for _, j := range jobs.Items {
		o, err := DecodeObjective(j.Annotations[keys.Objective])
		if err != nil || o.Value == nil || len(o.Curve) != 2 {
			t.Errorf("Job %s: objective %q (%v), want a value and a curve of 2 points", j.Name, j.Annotations[keys.Objective], err)
		}
		if j.Annotations[keys.Results] == "" {
			t.Errorf("Job %s: no results record", j.Name)
		}
	}
	if !strings.Contains(out.String(), "search ended: 6 trials finished (maxTrialCount 6)") {
		t.Errorf("output:\n%s", out.String())
	}
}
