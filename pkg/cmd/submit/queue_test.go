package submit

import (
	"context"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

// smallFile writes a 2-trial experiment with the given spec.results metric.
func smallFile(t *testing.T, metric string) string {
	t.Helper()
	f := t.TempDir() + "/exp.yaml"
	if err := writeFile(f, `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: q}
spec:
  parameters:
    grid: {n: [1, 2]}
  template:
    spec:
      template:
        spec:
          containers:
          - {name: ml, image: busybox, args: ["${n}"], resources: {requests: {cpu: 500m}}}
  results: {metric: `+metric+`}
`); err != nil {
		t.Fatal(err)
	}
	return f
}

func listJobs(t *testing.T, c *fake.Clientset) []batchv1.Job {
	t.Helper()
	l, err := c.BatchV1().Jobs("ml").List(context.Background(), metav1.ListOptions{LabelSelector: keys.ForExperiment("q")})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func suspended(j *batchv1.Job) bool { return j.Spec.Suspend != nil && *j.Spec.Suspend }

func TestSubmitQueue(t *testing.T) {
	c := newClient()
	kueuefake.Serve(c, "v1beta2")
	dyn := kueuefake.NewDynamic(kueuefake.LocalQueue("v1beta2", "ml", "team-a", "cq"))
	g := &kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}
	if _, errOut, err := runSubmit(t, g, "-f", smallFile(t, "acc"), "--queue", "team-a"); err != nil || errOut == "" {
		t.Fatalf("submit --queue: %v\n%s", err, errOut)
	}
	jobs := listJobs(t, c)
	if len(jobs) != 2 {
		t.Fatalf("%d Jobs, want 2", len(jobs))
	}
	for _, j := range jobs {
		if j.Labels[keys.KueueQueueName] != "team-a" || !suspended(&j) {
			t.Errorf("Job %s: queue label %q, suspend %v; want team-a and suspended", j.Name, j.Labels[keys.KueueQueueName], j.Spec.Suspend)
		}
	}
	if n := len(dyn.Actions()); n != 1 {
		t.Errorf("%d Kueue calls, want the one List of LocalQueues: %v", n, dyn.Actions())
	}
}

func TestSubmitQueueNotFoundWritesNothing(t *testing.T) {
	cases := map[string]struct {
		queues []runtime.Object
		want   string
	}{
		"others": {queues: []runtime.Object{kueuefake.LocalQueue("v1beta2", "ml", "team-b", "cq"), kueuefake.LocalQueue("v1beta2", "ml", "team-c", "cq"),
			kueuefake.LocalQueue("v1beta2", "other", "team-a", "cq")},
			want: `--queue: LocalQueue "team-a" not found in namespace "ml" (LocalQueues there: team-b, team-c)`},
		"none": {want: `--queue: LocalQueue "team-a" not found in namespace "ml" (there are none: a cluster admin creates them, see docs/queueing.md)`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := newClient()
			kueuefake.Serve(c, "v1beta2")
			g := &kubefake.Getter{NS: "ml", Client: c, Dynamic: kueuefake.NewDynamic(tc.queues...)}
			_, _, err := runSubmit(t, g, "-f", smallFile(t, "acc"), "--queue", "team-a")
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
			if n := countWrites(c); n != 0 {
				t.Errorf("%d writes after the error, want 0", n)
			}
		})
	}
}

func TestSubmitQueueWithoutKueueWarns(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	_, errOut, err := runSubmit(t, g, "-f", smallFile(t, "acc"), "--queue", "team-a")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(errOut, "warning: this cluster does not serve Kueue's API (kueue.x-k8s.io)") != 1 {
		t.Errorf("want one warning that Kueue is absent:\n%s", errOut)
	}
	for _, j := range listJobs(t, c) {
		if !suspended(&j) || j.Labels[keys.KueueQueueName] != "team-a" {
			t.Errorf("Job %s not created suspended and labelled", j.Name)
		}
	}
}

func TestSubmitSuspendThenResubmitIsUnchanged(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	f := smallFile(t, "acc")
	if _, _, err := runSubmit(t, g, "-f", f, "--suspend"); err != nil {
		t.Fatal(err)
	}
	for _, j := range listJobs(t, c) {
		if !suspended(&j) {
			t.Errorf("Job %s not suspended after submit --suspend", j.Name)
		}
	}
	writes := countWrites(c)
	out, _, err := runSubmit(t, g, "-f", f)
	if err != nil {
		t.Fatalf("re-submit without --suspend: %v", err)
	}
	if strings.Count(out, " unchanged\n") != 2 || countWrites(c) != writes {
		t.Errorf("re-submit without --suspend must change nothing:\n%s", out)
	}
}

// TestSubmitConfigureKeepsRunState: a re-submit that changes a trial in
// place (its results spec) sends spec.suspend as the cluster has it (a
// Job Kueue admitted stays running), guarded by the resourceVersion it
// read; when the Job changed meanwhile it reads it again and retries.
func TestSubmitConfigureKeepsRunState(t *testing.T) {
	c := newClient()
	kueuefake.Serve(c, "v1beta2")
	g := &kubefake.Getter{NS: "ml", Client: c, Dynamic: kueuefake.NewDynamic(kueuefake.LocalQueue("v1beta2", "ml", "team-a", "cq"))}
	if _, _, err := runSubmit(t, g, "-f", smallFile(t, "acc"), "--queue", "team-a"); err != nil {
		t.Fatal(err)
	}
	// Kueue admits the first trial: it unsuspends the Job with an update.
	jobs := listJobs(t, c)
	admitted := jobs[0].DeepCopy()
	no := false
	admitted.Spec.Suspend = &no
	// The fake tracker keeps no resourceVersions: give each Job one.
	admitted.ResourceVersion = "42"
	if _, err := c.BatchV1().Jobs("ml").Update(context.Background(), admitted, metav1.UpdateOptions{FieldManager: "kueue"}); err != nil {
		t.Fatal(err)
	}
	waiting := jobs[1].DeepCopy()
	waiting.ResourceVersion = "43"
	if _, err := c.BatchV1().Jobs("ml").Update(context.Background(), waiting, metav1.UpdateOptions{FieldManager: "test"}); err != nil {
		t.Fatal(err)
	}
	// The first apply of each trial meets a Job changed since the List.
	conflicted := map[string]bool{}
	c.PrependReactor("patch", "jobs", func(a k8stesting.Action) (bool, runtime.Object, error) {
		name := a.(k8stesting.PatchAction).GetName()
		if conflicted[name] {
			return false, nil, nil
		}
		conflicted[name] = true
		return true, nil, apierrors.NewConflict(schema.GroupResource{Group: "batch", Resource: "jobs"}, name, nil)
	})
	c.ClearActions()
	out, _, err := runSubmit(t, g, "-f", smallFile(t, "loss"), "--queue", "team-a")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, " configured\n") != 2 {
		t.Fatalf("want 2 configured trials:\n%s", out)
	}
	gets := 0
	for _, a := range c.Actions() {
		if a.GetVerb() == "get" && a.GetResource().Resource == "jobs" {
			gets++
		}
		if p, ok := a.(k8stesting.PatchAction); ok && !strings.Contains(string(p.GetPatch()), `"resourceVersion":"4`) {
			t.Errorf("apply of %s without the resourceVersion read: %s", p.GetName(), p.GetPatch())
		}
	}
	if gets != 2 {
		t.Errorf("%d Gets after conflicts, want 2 (one per trial)", gets)
	}
	for _, j := range listJobs(t, c) {
		want := j.Name != admitted.Name
		if suspended(&j) != want {
			t.Errorf("Job %s: suspend = %v after re-submit, want %v", j.Name, suspended(&j), want)
		}
		if j.Annotations[keys.ResultsSpec] != `{"metric":"loss"}` {
			t.Errorf("Job %s: results spec not configured: %s", j.Name, j.Annotations[keys.ResultsSpec])
		}
	}
}
