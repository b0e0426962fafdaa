package incluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/drive"
)

// State is what status says of a search's driver: its Job, when it runs
// in the cluster, and who holds the search's lease.
type State struct {
	// Job is the driver's Job; nil when the search has none (driven from a
	// terminal, or not adaptive).
	Job *batchv1.Job
	// Holder holds the search's lease; nil when no driver does.
	Holder *drive.Holder
}

// JobState returns the driver Job's state: Succeeded, Failed, Running or
// Pending.
func JobState(j *batchv1.Job) string {
	for _, c := range j.Status.Conditions {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return "Succeeded"
		case batchv1.JobFailed:
			return "Failed"
		}
	}
	if j.Status.Ready != nil && *j.Status.Ready > 0 {
		return "Running"
	}
	return "Pending"
}

// Line returns the driver's line of status at now, without a trailing
// newline; "" when there is nothing to say (no driver Job, no lease held).
func (s State) Line(now time.Time) string {
	var parts []string
	if s.Job != nil {
		p := "job/" + s.Job.Name + " " + JobState(s.Job)
		if n := s.Job.Status.Failed; n > 0 {
			p += fmt.Sprintf(" (%d pod(s) replaced)", n)
		}
		parts = append(parts, p)
	}
	switch {
	case s.Holder != nil:
		h := "lease held by " + s.Holder.Identity
		if !s.Holder.Renewed.IsZero() {
			h += ", renewed " + duration.HumanDuration(now.Sub(s.Holder.Renewed)) + " ago"
			if s.Holder.Expired(now) {
				h += " (expired)"
			}
		}
		parts = append(parts, h)
	case s.Job != nil:
		parts = append(parts, "lease free")
	default:
		return ""
	}
	return "driver: " + strings.Join(parts, "; ")
}

// ReadJob returns experiment exp's driver Job, or nil when it has none
// (or the user may not read it).
func ReadJob(ctx context.Context, c kubernetes.Interface, ns, exp string) (*batchv1.Job, error) {
	j, err := c.BatchV1().Jobs(ns).Get(ctx, Name(exp), metav1.GetOptions{})
	switch {
	case err == nil:
		return j, nil
	case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
		return nil, nil
	}
	return nil, fmt.Errorf("read the driver job %s: %w", Name(exp), err)
}
