package drive

import (
	"context"
	"encoding/json"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// lastJob returns the Job of the highest index, or nil.
func lastJob(jobs []batchv1.Job) *batchv1.Job {
	var last *batchv1.Job
	best := -1
	for i := range jobs {
		n, err := strconv.Atoi(jobs[i].Annotations[keys.Index])
		if err == nil && n > best {
			best, last = n, &jobs[i]
		}
	}
	return last
}

// recordEnd writes how the search ended on its last trial's Job
// (keys.SearchEnd), unless it says so already.
func (s *session) recordEnd(ctx context.Context, jobs []batchv1.Job, end *End) error {
	last := lastJob(jobs)
	if last == nil {
		return nil
	}
	b, err := json.Marshal(end)
	if err != nil {
		return err
	}
	if last.Annotations[keys.SearchEnd] == string(b) {
		return nil
	}
	return kube.AnnotateJob(ctx, s.d.Client, s.d.Namespace, last.Name, map[string]string{keys.SearchEnd: string(b)}, keys.FieldManager)
}

// recordedEnd returns how the search ended as its last trial records it,
// or nil.
func recordedEnd(jobs []batchv1.Job) *End {
	last := lastJob(jobs)
	if last == nil {
		return nil
	}
	v, ok := last.Annotations[keys.SearchEnd]
	if !ok {
		return nil
	}
	var e End
	if json.Unmarshal([]byte(v), &e) != nil {
		return nil
	}
	return &e
}
