package trial

import (
	"strconv"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// Gone reads how many trials the experiment file had when it was last
// submitted (keys.TrialCount, from the newest Job that records it) and
// returns that total and the indices below it that no Job has: trials
// deleted since (ttlSecondsAfterFinished, delete --trial). total is 0 when
// no Job records a count.
func Gone(jobs []batchv1.Job) (total int, missing []int) {
	var newest *batchv1.Job
	for i := range jobs {
		if _, ok := jobs[i].Annotations[keys.TrialCount]; !ok {
			continue
		}
		if newest == nil || jobs[i].CreationTimestamp.After(newest.CreationTimestamp.Time) {
			newest = &jobs[i]
		}
	}
	if newest == nil {
		return 0, nil
	}
	total, err := strconv.Atoi(newest.Annotations[keys.TrialCount])
	if err != nil || total <= 0 || total > 1<<20 {
		return 0, nil
	}
	have := make([]bool, total)
	for _, j := range jobs {
		if i, err := strconv.Atoi(j.Annotations[keys.Index]); err == nil && i >= 0 && i < total {
			have[i] = true
		}
	}
	for i, ok := range have {
		if !ok {
			missing = append(missing, i)
		}
	}
	return total, missing
}
