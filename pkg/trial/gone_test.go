package trial

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

func TestGone(t *testing.T) {
	mk := func(index int, count string, age time.Duration) batchv1.Job {
		j := job(fmt.Sprint("t", index))
		j.CreationTimestamp = metav1.NewTime(t0.Add(-age))
		j.Annotations[keys.Index] = fmt.Sprint(index)
		if count != "" {
			j.Annotations[keys.TrialCount] = count
		}
		return *j
	}
	total, missing := Gone([]batchv1.Job{mk(0, "5", time.Hour), mk(2, "6", 0), mk(4, "", 0)})
	if total != 6 || !cmp.Equal(missing, []int{1, 3, 5}) {
		t.Errorf("Gone = %d, %v; want 6 (the newest count), [1 3 5]", total, missing)
	}
	if total, missing := Gone([]batchv1.Job{mk(0, "", 0)}); total != 0 || missing != nil {
		t.Errorf("without a count: %d, %v", total, missing)
	}
	if total, _ := Gone([]batchv1.Job{mk(0, "lots", 0)}); total != 0 {
		t.Errorf("a bad count reads as %d", total)
	}
}
