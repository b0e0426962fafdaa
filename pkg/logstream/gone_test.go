package logstream

import (
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestFollowJobDeleted: a trial whose Job (and so its pod) is deleted by
// hand while followed is named on stderr; the others are followed to
// their end, and the command ends by itself.
func TestFollowJobDeleted(t *testing.T) {
	w := make(fakeWatch)
	logs := newFakeLogs()
	v := running(2, logs)
	var out, errOut lockedBuffer
	wait := startFollow(t, Config{Out: &out, ErrOut: &errOut, OpenStream: logs.open, Watch: w.watch})
	w <- v
	waitOpen(t, logs.get(v.pods[0].Name, "ml"), 1)
	waitOpen(t, logs.get(v.pods[1].Name, "ml"), 1)
	// kubectl delete job: the Job and its pod vanish from the view.
	gone := view{jobs: []batchv1.Job{v.jobs[1]}, pods: []corev1.Pod{v.pods[1]}}
	logs.get(v.pods[0].Name, "ml").finish()
	w <- gone
	waitOutput(t, &errOut, "trial "+v.jobs[0].Name+" is gone: its Job was deleted\n")
	l := logs.get(v.pods[1].Name, "ml")
	l.add(t0.Add(time.Second), "end 1")
	l.finish()
	fin := v.finished(1, corev1.PodSucceeded, batchv1.JobComplete)
	w <- view{jobs: fin.jobs[1:], pods: fin.pods[1:]}
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(errOut.String(), "is gone"); n != 1 {
		t.Errorf("the deleted trial is named %d times, want once:\n%s", n, errOut.String())
	}
	if !strings.Contains(out.String(), "end 1\n") {
		t.Errorf("the other trial's end is missing:\n%s", out.String())
	}
}
