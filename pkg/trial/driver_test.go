package trial

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// TestDriverIsNeverATrial: the Job (and pod) that runs a search's driver
// carries the experiment's label, yet FromJobs never makes a trial of it.
func TestDriverIsNeverATrial(t *testing.T) {
	labels := map[string]string{keys.Experiment: "tpe", keys.Role: keys.RoleDriver}
	jobs := []batchv1.Job{
		{ObjectMeta: metav1.ObjectMeta{Name: "tpe-0000", Namespace: "ml", Labels: map[string]string{keys.Experiment: "tpe", keys.Trial: "tpe-0000"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "mlexp-driver-tpe", Namespace: "ml", Labels: labels}},
	}
	pods := []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "mlexp-driver-tpe-abcde", Namespace: "ml",
		Labels: map[string]string{keys.Experiment: "tpe", keys.Role: keys.RoleDriver, batchv1.JobNameLabel: "mlexp-driver-tpe"}}}}
	got := FromJobs(jobs, pods)
	if len(got) != 1 || got[0].Name != "tpe-0000" {
		t.Fatalf("FromJobs = %+v, want the trial tpe-0000 alone", got)
	}
}
