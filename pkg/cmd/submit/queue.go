package submit

import (
	"context"
	"fmt"
	"sort"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

// suspendAll makes every rendered trial start suspended (--suspend). The
// spec hash leaves suspend out, so this changes no trial's identity.
func suspendAll(trials []render.Trial) {
	for _, t := range trials {
		yes := true
		t.Job.Spec.Suspend = &yes
	}
}

// checkQueues makes sure the LocalQueues the trials name exist in the
// namespace, with one discovery GET and one List, before any write. When
// the cluster does not serve Kueue's API it warns and lets the suspended,
// labelled Jobs be created: they wait for Kueue, or for resume by hand.
func (o *Options) checkQueues(ctx context.Context) error {
	names := queueNames(o.trials)
	if len(names) == 0 {
		return nil
	}
	kc, err := kueue.NewClient(ctx, o.Getter, o.client)
	if err != nil {
		return err
	}
	if !kc.API.Installed() {
		fmt.Fprintf(o.ErrOut, "warning: this cluster does not serve Kueue's API (%s): the trials are created suspended with label %s=%s "+
			"and nothing will admit them until Kueue is installed; `%s` releases them by hand\n",
			kueue.Group, keys.KueueQueueName, strings.Join(names, ","), o.hint.Command("resume", o.exp.Name))
		return nil
	}
	lqs, err := kueue.ListLocalQueues(ctx, kc.Dynamic, kc.API, o.namespace)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	var there []string
	for _, q := range lqs {
		have[q.Name] = true
		there = append(there, q.Name)
	}
	sort.Strings(there)
	for _, n := range names {
		if have[n] {
			continue
		}
		list := "there are none: a cluster admin creates them, see docs/queueing.md"
		if len(there) > 0 {
			list = "LocalQueues there: " + strings.Join(there, ", ")
		}
		return fmt.Errorf("%s: LocalQueue %q not found in namespace %q (%s)", o.queueSource(), n, o.namespace, list)
	}
	return nil
}

// queueSource names where the queue came from, for errors.
func (o *Options) queueSource() string {
	switch {
	case o.Queue != "":
		return "--queue"
	case o.exp.Queue != "":
		return o.Filename + ": spec.queue"
	}
	return o.Filename + ": label " + keys.KueueQueueName
}

// queueNames returns the distinct LocalQueues the trials name, sorted.
func queueNames(trials []render.Trial) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range trials {
		if q := t.Job.Labels[keys.KueueQueueName]; q != "" && !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	sort.Strings(out)
	return out
}

// configure applies a change that may happen in place (the results spec)
// to a trial's existing Job without touching its run state: spec.suspend
// is sent as the cluster has it, guarded by the resourceVersion it was
// read at. Kueue owns suspend once it admits a Job (it unsuspends with an
// update, which takes the field over); a forced apply of the rendered
// suspend: true would take it back and stop the running trial, and
// leaving the field out would drop it while submit still owns it, which
// starts a Job Kueue has not admitted. On a conflict the Job is read
// again and the apply retried.
func (o *Options) configure(ctx context.Context, t render.Trial, cur *batchv1.Job) (*batchv1.Job, error) {
	if cur == nil {
		// Not in the List of whole Jobs: created since, or without its
		// trial label. Read it.
		fresh, err := o.client.BatchV1().Jobs(o.namespace).Get(ctx, t.Name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		cur = fresh
	}
	var out *batchv1.Job
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		job := t.Job.DeepCopy()
		job.Spec.Suspend = cur.Spec.Suspend
		clearDropped(job, cur)
		job.ResourceVersion = cur.ResourceVersion
		var err error
		out, err = o.applyJob(ctx, job)
		if apierrors.IsConflict(err) {
			fresh, gerr := o.client.BatchV1().Jobs(o.namespace).Get(ctx, t.Name, metav1.GetOptions{})
			if gerr != nil {
				return gerr
			}
			cur = fresh
		}
		return err
	})
	return out, err
}

// clearDropped sends as "" the in-place annotations (the results spec)
// that cur has and job, rendered from the file, no longer has. A Job
// written by a plain create holds them under an Update entry of the
// field manager, which an apply that leaves them out does not remove; ""
// reads as absent everywhere (ranking.DecodeSpec, MakePlan's comparison).
func clearDropped(job, cur *batchv1.Job) {
	for _, k := range []string{keys.ResultsSpec, keys.TrialCount} {
		if _, ok := job.Annotations[k]; !ok && cur.Annotations[k] != "" {
			job.Annotations[k] = ""
		}
	}
}
