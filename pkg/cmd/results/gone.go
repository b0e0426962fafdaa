package results

import (
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// explainGone says on stderr which trials of the experiment have no Job
// any more, so their rows are missing: deleted by ttlSecondsAfterFinished
// or `delete --trial`, with their logs and recorded metrics.
func (o *Options) explainGone(jobs []batchv1.Job) {
	total, missing := trial.Gone(jobs)
	if len(missing) == 0 {
		return
	}
	idx := make([]string, 0, min(len(missing), 10))
	for i, n := range missing {
		if i == 10 {
			idx = append(idx, fmt.Sprintf("... (%d more)", len(missing)-10))
			break
		}
		idx = append(idx, fmt.Sprint(n))
	}
	why := "deleted"
	if ttl := jobs[0].Spec.TTLSecondsAfterFinished; ttl != nil {
		why = fmt.Sprintf("deleted %ds after they finished (ttlSecondsAfterFinished), or by delete", *ttl)
	}
	fmt.Fprintf(o.ErrOut, "%d of %d trials have no Job any more (index %s): %s, with their logs and recorded metrics; submitting the experiment file again runs them again\n",
		len(missing), total, strings.Join(idx, ", "), why)
}
