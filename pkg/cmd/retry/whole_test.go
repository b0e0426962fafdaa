package retry

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// richExperiment returns a fake cluster with an OOMKilled and a failed
// trial whose pod templates have everything a List for reading trims, and
// their Jobs as the cluster holds them.
func richExperiment() (*fake.Clientset, map[string]*batchv1.Job) {
	objs := kubefake.Experiment("ml", "rich",
		kubefake.Trial{Name: "rich-aaaaaaaa", Index: 0, Params: `{"lr":0.1}`, State: "OOMKilled"},
		kubefake.Trial{Name: "rich-bbbbbbbb", Index: 1, Params: `{"lr":0.2}`, State: "Failed"},
	)
	jobs := map[string]*batchv1.Job{}
	for _, o := range objs {
		switch x := o.(type) {
		case *batchv1.Job:
			x.Spec.Template.Spec = kubefake.RichPodSpec("32Mi", true)
			x.Spec.Template.Annotations = map[string]string{"team": "vision"}
			x.Annotations["batch.kubernetes.io/job-tracking"] = ""
			x.Annotations[keys.Results] = `{"source":"log","metrics":{"loss":1}}`
			jobs[x.Name] = x.DeepCopy()
		case *corev1.Pod:
			x.Spec = kubefake.RichPodSpec("32Mi", true)
			x.Spec.NodeName = "node1"
		}
	}
	c := fake.NewClientset(append(objs, node("node1", "8Gi"))...)
	kubefake.AllowAll(c)
	return c, jobs
}

// wantRetried is old as a retry must re-create it: the same in everything
// but what the API server and the Job controller set (UID, status, the
// generated selector and its labels, batch.kubernetes.io annotations), the
// results recorded for the old run, and memory, doubled for an OOMKill.
// The attempt annotations are compared apart.
func wantRetried(old *batchv1.Job, oom bool) *batchv1.Job {
	want := &batchv1.Job{
		ObjectMeta: old.ObjectMeta,
		Spec:       *old.Spec.DeepCopy(),
	}
	want.APIVersion, want.Kind = "batch/v1", "Job"
	want.UID, want.CreationTimestamp = "", old.CreationTimestamp
	want.Annotations = map[string]string{}
	for k, v := range old.Annotations {
		if k != keys.Results && !strings.HasPrefix(k, "batch.kubernetes.io/") {
			want.Annotations[k] = v
		}
	}
	want.Spec.Selector = nil
	delete(want.Spec.Template.Labels, batchv1.ControllerUidLabel)
	delete(want.Spec.Template.Labels, batchv1.JobNameLabel)
	if oom {
		res := &want.Spec.Template.Spec.Containers[0].Resources
		res.Limits[corev1.ResourceMemory] = resource.MustParse("64Mi")
		res.Requests[corev1.ResourceMemory] = resource.MustParse("32Mi")
	}
	return want
}

// sameButAttempts compares a retried Job with the one wanted, its attempt
// annotations apart: they must be there, and say why the old run ended.
func sameButAttempts(t *testing.T, want, got *batchv1.Job, oom bool) {
	t.Helper()
	got = got.DeepCopy()
	got.CreationTimestamp = want.CreationTimestamp // the fake tracker leaves it; a server sets its own
	s := trial.FromJob(got, nil)
	if len(s.Attempts) != 1 || (s.Attempts[0].State == trial.OOMKilled) != oom {
		t.Errorf("%s: attempts annotation %q", got.Name, got.Annotations[keys.Attempts])
	}
	for _, k := range []string{keys.Attempts, keys.Override, keys.SpecHash} {
		delete(got.Annotations, k)
		delete(want.Annotations, k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: the retried Job differs from the original in more than memory and attempts (-want +got):\n%s", got.Name, diff)
	}
}

// created returns the Jobs a command created, by name, as it sent them.
func created(c *fake.Clientset) map[string]*batchv1.Job {
	out := map[string]*batchv1.Job{}
	for _, a := range c.Actions() {
		if x, ok := a.(k8stesting.CreateAction); ok {
			if j, ok := x.GetObject().(*batchv1.Job); ok {
				out[j.Name] = j
			}
		}
	}
	return out
}

// TestRetriedJobIsTheOriginal is issue 19's: a retry re-created failed
// trials without their command, args, env and volumes, copied from the
// Jobs it had listed for their state. The Job it creates must equal the
// original in everything but memory (for an OOMKill) and the attempts.
func TestRetriedJobIsTheOriginal(t *testing.T) {
	c, old := richExperiment()
	if _, errOut, err := run(t, c, "rich"); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	got := created(c)
	if len(got) != 2 {
		t.Fatalf("created %d Jobs, want 2", len(got))
	}
	sameButAttempts(t, wantRetried(old["rich-aaaaaaaa"], true), got["rich-aaaaaaaa"], true)
	sameButAttempts(t, wantRetried(old["rich-bbbbbbbb"], false), got["rich-bbbbbbbb"], false)
}

// TestRetryDryRunShowsTheWholeJob: --dry-run=client -o yaml prints the Job
// a retry would create, whole.
func TestRetryDryRunShowsTheWholeJob(t *testing.T) {
	c, old := richExperiment()
	out, errOut, err := run(t, c, "rich", "aaaaaaaa", "--dry-run=client", "-o", "yaml")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var got batchv1.Job
	if err := yaml.UnmarshalStrict([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	sameButAttempts(t, wantRetried(old["rich-aaaaaaaa"], true), &got, true)
}

// TestRetryRefusesAJobReplacedSinceItWasRead: the Job a retry copies is
// the one whose state it read, or nothing is written.
func TestRetryRefusesAJobReplacedSinceItWasRead(t *testing.T) {
	c, _ := richExperiment()
	lists := 0
	c.PrependReactor("list", "jobs", func(a k8stesting.Action) (bool, runtime.Object, error) {
		lists++
		if lists == 1 {
			return false, nil, nil // the read of the states
		}
		// A concurrent retry replaced rich-aaaaaaaa: a new UID.
		l, err := c.Tracker().List(a.GetResource(), a.GetResource().GroupVersion().WithKind("Job"), "ml")
		if err != nil {
			return true, nil, err
		}
		for i := range l.(*batchv1.JobList).Items {
			l.(*batchv1.JobList).Items[i].UID = "uid-new"
		}
		return true, l, nil
	})
	_, _, err := run(t, c, "rich")
	if err == nil || !strings.Contains(err.Error(), "its Job was replaced or deleted since it was read") {
		t.Errorf("err = %v", err)
	}
	if w := writes(c); len(w) != 0 {
		t.Errorf("writes: %v", w)
	}
}
