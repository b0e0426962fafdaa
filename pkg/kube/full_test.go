package kube_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// richExperiment returns a fake cluster with n trials of experiment exp
// whose pod templates have everything a read trims, with managed fields.
func richExperiment(n int) (*fake.Clientset, []*batchv1.Job) {
	var objs []runtime.Object
	var jobs []*batchv1.Job
	for i := range n {
		j, _ := kubefake.Experiment("ns", "exp", kubefake.Trial{Name: fmt.Sprintf("exp-%04d", i), Index: i, State: "NoPod"})[0].(*batchv1.Job)
		j.Spec.Template.Spec = kubefake.RichPodSpec("32Mi", true)
		j.ManagedFields = managed()
		objs = append(objs, j)
		jobs = append(jobs, j)
	}
	objs = append(objs, kubefake.Experiment("ns", "other", kubefake.Trial{Name: "exp-0000-x", State: "NoPod"})...)
	return fake.NewClientset(objs...), jobs
}

// listSelectors returns the label selector of every List of Jobs c served.
func listSelectors(c *fake.Clientset) []string {
	var out []string
	for _, a := range c.Actions() {
		if l, ok := a.(k8stesting.ListAction); ok && a.GetResource().Resource == "jobs" {
			out = append(out, l.GetListRestrictions().Labels.String())
		}
	}
	return out
}

func TestFetchJobsReturnsTheNamedJobsWhole(t *testing.T) {
	c, jobs := richExperiment(5)
	full, err := kube.FetchJobs(context.Background(), c, "ns", keys.ForExperiment("exp"), []string{"exp-0003", "exp-0001", "exp-9999"})
	if err != nil {
		t.Fatal(err)
	}
	if len(full) != 2 || full["exp-9999"].Job() != nil {
		t.Fatalf("fetched %d Jobs, want exp-0001 and exp-0003: %v", len(full), full)
	}
	for _, i := range []int{1, 3} {
		want := jobs[i].DeepCopy()
		want.ManagedFields = nil
		if diff := cmp.Diff(want, full[want.Name].Job()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", want.Name, diff)
		}
	}
	// A Job missing: the named trials, then the whole experiment once.
	want := []string{"mlexp.dev/experiment=exp,!mlexp.dev/role,mlexp.dev/trial in (exp-0001,exp-0003,exp-9999)", "mlexp.dev/experiment=exp,!mlexp.dev/role"}
	if diff := cmp.Diff(want, listSelectors(c)); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
}

func TestFetchJobsOfManyTrialsListsTheExperimentOnce(t *testing.T) {
	c, jobs := richExperiment(100)
	var names []string
	for _, j := range jobs[:80] {
		names = append(names, j.Name)
	}
	full, err := kube.FetchJobs(context.Background(), c, "ns", keys.ForExperiment("exp"), names)
	if err != nil {
		t.Fatal(err)
	}
	if len(full) != 80 || full["exp-0079"].Job() == nil || full["exp-0080"].Job() != nil {
		t.Errorf("fetched %d Jobs, want the 80 named", len(full))
	}
	if got := full["exp-0042"].Job().Spec.Template.Spec.Containers[0].Command; len(got) == 0 {
		t.Error("the fetched Job lost its command")
	}
	if diff := cmp.Diff([]string{"mlexp.dev/experiment=exp,!mlexp.dev/role"}, listSelectors(c)); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
}
