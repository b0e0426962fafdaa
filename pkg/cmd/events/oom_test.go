package events

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	mlexpfake "github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// oomPod is a trial's pod whose container "ml" was OOMKilled at sec.
func oomPod(name, trialName string, sec int) *corev1.Pod {
	p := pod(name, trialName)
	p.Spec.Containers = []corev1.Container{{Name: "ml", Resources: corev1.ResourceRequirements{
		Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("32Mi")}}}}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "ml", State: corev1.ContainerState{
		Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137, FinishedAt: metav1.NewTime(at(sec))}}}}
	return p
}

// TestEventsOOMFromPodStatus: the kubelet records no event for an OOM
// kill, so events reads it from the pod's status.
func TestEventsOOMFromPodStatus(t *testing.T) {
	objs := []runtime.Object{job(t1), job(t2), oomPod(t1+"-aaaaa", t1, 200), oomPod(t2+"-bbbbb", t2, 250),
		oldEvent("Job", t1, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", 1, 201, 201)}
	const msg = "Container ml exceeded its memory limit of 32Mi and was killed (exit code 137); from the pod's status, the kubelet records no event for it"
	tests := map[string]struct {
		args []string
		want string
	}{
		"grouped": {
			args: []string{"mnist", "--type", "Warning"},
			want: `TYPE      REASON                 COUNT   OBJECTS              FIRST SEEN   LAST SEEN   MESSAGE
Warning   BackoffLimitExceeded   x1      job/mnist-00000001   99s          99s         Job has reached the specified backoff limit
Warning   OOMKilled              x2      2 pods               100s         50s         ` + msg + `
`,
		},
		"raw, one trial": {
			args: []string{"mnist", "--raw", "--trial", t2},
			want: `LAST SEEN   TYPE      REASON      OBJECT                     MESSAGE
50s         Warning   OOMKilled   pod/mnist-00000002-bbbbb   ` + msg + `
`,
		},
		"not a warning": {
			args: []string{"mnist", "--raw", "--type", "Normal", "--no-headers"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, _, err := run(t, &fakeGetter{kube: kubefake.NewClientset(objs...)}, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEventsWatchOOM follows a pod until its container is OOMKilled, and
// prints that once even when the pod is updated again.
func TestEventsWatchOOM(t *testing.T) {
	g := &fakeGetter{kube: kubefake.NewClientset(job(t1), job(t2), pod(t1+"-aaaaa", t1))}
	var out mlexpfake.SyncBuffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: io.Discard}, Getter: g, Watch: true, Raw: true,
		Now: func() time.Time { return at(300) }}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	waitFor(t, func() bool { return strings.Contains(out.String(), "MESSAGE") })
	pods := g.kube.CoreV1().Pods("ns")
	if _, err := pods.Update(ctx, oomPod(t1+"-aaaaa", t1, 290), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(out.String(), "OOMKilled   pod/mnist-00000001-aaaaa") })
	// The same status again (another update of the pod) prints nothing new.
	p := oomPod(t1+"-aaaaa", t1, 290)
	p.Annotations = map[string]string{"touched": "yes"}
	if _, err := pods.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A later change of the same informer: once it is printed, the update
	// before it has been handled too (an informer delivers in order).
	if _, err := pods.Create(ctx, oomPod(t2+"-bbbbb", t2, 295), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(out.String(), "OOMKilled   pod/mnist-00000002-bbbbb") })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "pod/mnist-00000001-aaaaa"); n != 1 {
		t.Errorf("the OOM kill of mnist-00000001-aaaaa printed %d times, want once:\n%s", n, out.String())
	}
}

// TestEventsTellTheStatusStory: a kill the runtime reported Error (exit
// 137) at a memory limit is LikelyOOMKilled, a process OOM-killed in a
// container that exited 0 is ProcessOOMKilled, in the words of status;
// the trial's recorded peak, far from the limit, rules a kill out.
func TestEventsTellTheStatusStory(t *testing.T) {
	likely := oomPod(t1+"-aaaaa", t1, 200)
	likely.Status.ContainerStatuses[0].State.Terminated.Reason = "Error"
	process := oomPod(t2+"-bbbbb", t2, 250)
	process.Status.ContainerStatuses[0].State.Terminated.ExitCode = 0
	far := oomPod(t3+"-ccccc", t3, 260)
	far.Status.ContainerStatuses[0].State.Terminated.Reason = "Error"
	sampled := job(t3)
	sampled.Annotations = map[string]string{keys.PeakUsage: `{"memoryBytes":1048576,"samples":3}`}
	objs := []runtime.Object{job(t1), job(t2), sampled, likely, process, far}
	out, _, err := run(t, &fakeGetter{kube: kubefake.NewClientset(objs...)}, "mnist", "--raw")
	if err != nil {
		t.Fatal(err)
	}
	const suffix = "; from the pod's status, the kubelet records no event for it\n"
	want := `LAST SEEN   TYPE      REASON             OBJECT                     MESSAGE
100s        Warning   LikelyOOMKilled    pod/mnist-00000001-aaaaa   Container ml was killed (exit 137), most likely for exceeding its memory limit of 32Mi: ` +
		`the runtime reported Error, not OOMKilled, as it does when the exit comes before the kernel's OOM event, and no deletion, eviction, deadline or probe explains the kill; ` +
		`no usage sample was recorded (top -w --record)` + suffix +
		`50s         Warning   ProcessOOMKilled   pod/mnist-00000002-bbbbb   A process of container ml was OOM-killed at its limit of 32Mi; the container still exited 0` + suffix
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}
