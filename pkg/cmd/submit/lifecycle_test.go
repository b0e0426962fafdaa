package submit

import (
	"bytes"
	"context"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/cmd/retry"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// oomFile is a three-trial experiment whose template says image and memory.
func oomFile(t *testing.T, image, memory, extra string) string {
	t.Helper()
	f := t.TempDir() + "/oom.yaml"
	if err := writeFile(f, `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: oom}
spec:
  parameters:
    list:
    - {run: hog}
    - {run: ok1}
    - {run: ok2}
  template:
    spec:
`+extra+`      template:
        spec:
          containers:
          - {name: ml, image: `+image+`, args: ["${run}"], resources: {limits: {memory: `+memory+`}}}
`); err != nil {
		t.Fatal(err)
	}
	return f
}

// oomKill makes the trial with parameter run=hog look OOMKilled: its Job
// failed and its pod's container ended OOMKilled.
func oomKill(t *testing.T, c *fake.Clientset) string {
	t.Helper()
	ctx := context.Background()
	jobs, err := c.BatchV1().Jobs("ml").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs.Items {
		if !strings.Contains(j.Annotations[keys.Params], "hog") {
			continue
		}
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded"}}
		if _, err := c.BatchV1().Jobs("ml").UpdateStatus(ctx, &j, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: j.Name + "-x", Namespace: "ml", Labels: j.Spec.Template.Labels},
			Spec: j.Spec.Template.Spec,
			Status: corev1.PodStatus{Phase: corev1.PodFailed, ContainerStatuses: []corev1.ContainerStatus{{Name: "ml",
				State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled"}}}}}}
		if _, err := c.CoreV1().Pods("ml").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		return j.Name
	}
	t.Fatal("no hog trial")
	return ""
}

func runRetry(t *testing.T, g *kubefake.Getter, args ...string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := retry.NewCmdRetry(g, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("retry: %v\n%s", err, errOut.String())
	}
}

func memoryOf(t *testing.T, c *fake.Clientset, name string) string {
	t.Helper()
	j, err := c.BatchV1().Jobs("ml").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q := j.Spec.Template.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory]
	return q.String()
}

func TestResubmitAfterRetryChangesNothing(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	file := oomFile(t, "busybox", "32Mi", "")
	if _, _, err := runSubmit(t, g, "-f", file); err != nil {
		t.Fatal(err)
	}
	hog := oomKill(t, c)
	runRetry(t, g, "oom")
	if got := memoryOf(t, c, hog); got != "64Mi" {
		t.Fatalf("retried limit = %s, want 64Mi", got)
	}
	writes := countWrites(c)
	out, _, err := runSubmit(t, g, "-f", file)
	if err != nil {
		t.Fatalf("re-submit of the unchanged file after a retry: %v", err)
	}
	if n := strings.Count(out, " unchanged\n"); n != 3 {
		t.Errorf("want 3 unchanged trials:\n%s", out)
	}
	if got := countWrites(c); got != writes {
		t.Errorf("re-submit wrote %d times, want 0", got-writes)
	}
}

func TestResubmitAfterRetryOfAChangedFile(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	if _, _, err := runSubmit(t, g, "-f", oomFile(t, "busybox", "32Mi", "")); err != nil {
		t.Fatal(err)
	}
	hog := oomKill(t, c)
	runRetry(t, g, "oom")

	// Another image: every trial changed, refused without --force.
	writes := countWrites(c)
	edited := oomFile(t, "busybox:1.37", "32Mi", "")
	if _, _, err := runSubmit(t, g, "-f", edited); err == nil || !strings.Contains(err.Error(), "3 trial(s) of experiment \"oom\" changed") {
		t.Fatalf("err = %v, want the changed-trials error", err)
	}
	if got := countWrites(c); got != writes {
		t.Errorf("a refused submit wrote %d times", got-writes)
	}
	// With --force the retried trial keeps its bump, and says so.
	_, errOut, err := runSubmit(t, g, "-f", edited, "--force")
	if err != nil {
		t.Fatal(err)
	}
	if got := memoryOf(t, c, hog); got != "64Mi" {
		t.Errorf("after --force the retried trial has %s, want its 64Mi", got)
	}
	if !strings.Contains(errOut, "1 replaced trial(s) keep the resources a retry gave them (annotation mlexp.dev/override): "+hog) {
		t.Errorf("stderr does not say the override was kept:\n%s", errOut)
	}
	// The file now sets the memory itself: the file wins.
	if _, _, err := runSubmit(t, g, "-f", oomFile(t, "busybox:1.37", "256Mi", ""), "--force"); err != nil {
		t.Fatal(err)
	}
	if got := memoryOf(t, c, hog); got != "256Mi" {
		t.Errorf("the file's own memory gave %s, want 256Mi", got)
	}
}

func TestSubmitWarnsAboutTTL(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	_, errOut, err := runSubmit(t, g, "-f", oomFile(t, "busybox", "32Mi", "      ttlSecondsAfterFinished: 600\n"), "--dry-run=client")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(errOut, "warning: spec.ttlSecondsAfterFinished deletes each trial's Job and pods 600s after it finishes"); n != 1 {
		t.Errorf("want one TTL warning line:\n%s", errOut)
	}
	_, errOut, _ = runSubmit(t, g, "-f", oomFile(t, "busybox", "32Mi", ""), "--dry-run=client")
	if strings.Contains(errOut, "ttlSecondsAfterFinished") {
		t.Errorf("TTL warning without a TTL:\n%s", errOut)
	}
}

func TestSubmitWait(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	file := oomFile(t, "busybox", "32Mi", "")
	if _, _, err := runSubmit(t, g, "-f", file, "--wait", "--dry-run=client"); err == nil || !strings.Contains(err.Error(), "--wait cannot be used with --dry-run") {
		t.Errorf("--wait --dry-run: err = %v", err)
	}
	// Nothing runs in a fake cluster: the wait times out with exit status 2.
	_, _, err := runSubmit(t, g, "-f", file, "--wait", "--timeout", "300ms")
	if common.ExitCode(err) != 2 || !strings.Contains(err.Error(), "timed out waiting for the condition on experiment/oom: 3 of 3 trials have not finished") {
		t.Errorf("err = %v (exit %d)", err, common.ExitCode(err))
	}
}
