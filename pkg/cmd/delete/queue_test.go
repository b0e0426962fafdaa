package delete

import (
	"bytes"
	"context"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

// TestDeleteWaitsForWorkloads: delete of a queued experiment waits until
// the garbage collector has removed the Jobs' Workloads, and says so when
// they stay (Kueue holds them with a finalizer).
func TestDeleteWaitsForWorkloads(t *testing.T) {
	for _, gcAfter := range []int{2, -1} {
		job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "q-1", Namespace: "ml", UID: "uid-q-1",
			Labels: map[string]string{keys.Experiment: "q", keys.KueueQueueName: "team-a"}}}
		c := fake.NewClientset(job)
		kubefake.AllowAll(c)
		kueuefake.Serve(c, "v1beta2")
		// The fake does not run DeleteCollection: delete the Job here.
		c.PrependReactor("delete-collection", "jobs", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, c.Tracker().Delete(batchv1.SchemeGroupVersion.WithResource("jobs"), "ml", "q-1")
		})
		other := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "ml", UID: "uid-x"}}
		dyn := kueuefake.NewDynamic(kueuefake.Workload("v1beta2", job), kueuefake.Workload("v1beta2", other))
		lists := 0
		wgvr := kueue.API{Version: "v1beta2"}.GVR(kueue.Workloads)
		dyn.PrependReactor("list", "workloads", func(k8stesting.Action) (bool, runtime.Object, error) {
			lists++
			if lists == gcAfter { // the garbage collector's turn
				if err := dyn.Tracker().Delete(wgvr, "ml", "job-q-1-1a2b3"); err != nil {
					t.Error(err)
				}
			}
			return false, nil, nil
		})
		var out, errOut bytes.Buffer
		cmd := NewCmdDelete(&kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
		cmd.SetArgs([]string{"q", "--timeout", "3s"})
		cmd.SetOut(&errOut)
		cmd.SetErr(&errOut)
		err := cmd.ExecuteContext(context.Background())
		if gcAfter > 0 {
			if err != nil || lists < gcAfter {
				t.Errorf("delete returned %v after %d Lists of Workloads; want success once the Workload is gone (List %d)", err, lists, gcAfter)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "1 of them Kueue Workloads: Kueue removes their finalizer, is it running?") {
			t.Errorf("a Workload that stays: err = %v", err)
		}
	}
}
