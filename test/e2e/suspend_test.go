//go:build e2e

package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// sleepExperiment is an experiment of n toolbox trials that each sleep
// secs seconds and ask for cpu, in the experiment file's format.
func sleepExperiment(name string, n int, secs int, cpu, queue string) string {
	var rows []string
	for i := 1; i <= n; i++ {
		rows = append(rows, fmt.Sprint(i))
	}
	q := ""
	if queue != "" {
		q = "  queue: " + queue + "\n"
	}
	return `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: ` + name + `
spec:
` + q + `  parameters:
    grid:
      i: [` + strings.Join(rows, ", ") + `]
  template:
    spec:
      template:
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, "echo trial ${i}; sleep ` + fmt.Sprint(secs) + `; echo Test accuracy: 0.${i}"]
            resources:
              requests: {cpu: ` + cpu + `, memory: 16Mi}
              limits: {memory: 32Mi}
`
}

// TestSubmitSuspendResumeCount: `submit --suspend` creates every trial
// suspended; `resume --count 3` releases exactly 3, in the experiment's
// order: they run and finish, and the others never get a pod.
func TestSubmitSuspendResumeCount(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "resume")
	f := WriteFile(t, "exp.yaml", sleepExperiment("held", 6, 2, "50m", ""))
	sampler := SampleExperiment(t, ns, "held")
	MustMlexp(t, ns, "submit", "-f", f, "--suspend")
	s, r := Status(t, ns, "held")
	if r.Err != nil || s.Count("Suspended") != 6 {
		t.Fatalf("after submit --suspend: want 6 Suspended trials:\n%s\n%s", s.Describe(), r)
	}
	r = MustMlexp(t, ns, "resume", "held", "--count", "3")
	if n := strings.Count(r.Stdout, " resumed\n"); n != 3 {
		t.Fatalf("resume --count 3 resumed %d:\n%s", n, r)
	}
	var released []string
	for _, tr := range s.Trials[:3] { // status lists trials in the experiment's order
		released = append(released, tr.Name)
		if !strings.Contains(r.Stdout, "job.batch/"+tr.Name+" resumed") {
			t.Errorf("resume --count 3 did not release %s, one of the first 3 in order:\n%s", tr.Name, r.Stdout)
		}
	}
	WaitFor(t, 3*time.Minute, "the 3 released trials to succeed", func() (bool, string) {
		s, r = Status(t, ns, "held")
		return r.Err == nil && s.Count("Succeeded") == 3, s.Describe() + sampler.String()
	})
	// The 3 are done: had another trial been released, it would have had a
	// pod by now (they got theirs within seconds).
	_, _, hadPod, _ := sampler.Snapshot()
	slices.Sort(released)
	if !slices.Equal(hadPod, released) {
		t.Errorf("trials that ever had a pod: %v, want exactly the 3 released %v", hadPod, released)
	}
	if s.Count("Suspended") != 3 || s.Summary["suspended"] != 3 {
		t.Errorf("want the other 3 still Suspended and counted:\n%s", s.Describe())
	}
	if out := MustMlexp(t, ns, "status", "held").Stdout; !strings.Contains(out, "6 trials: 3 suspended, 3 succeeded") {
		t.Errorf("status summary line:\n%s", out)
	}
}

// TestSuspendRunningThenResume: `suspend` of a running experiment stops
// every pod (the trials start over later); `resume` runs them all to the end.
func TestSuspendRunningThenResume(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "suspend")
	f := WriteFile(t, "exp.yaml", sleepExperiment("pause", 4, 6, "50m", ""))
	sampler := SampleExperiment(t, ns, "pause")
	MustMlexp(t, ns, "submit", "-f", f)
	WaitFor(t, 2*time.Minute, "a trial to run", func() (bool, string) {
		s, r := Status(t, ns, "pause")
		return r.Err == nil && s.Count("Running") > 0 && s.Count("Succeeded") == 0, s.Describe()
	})
	r := MustMlexp(t, ns, "suspend", "pause")
	if n := strings.Count(r.Stdout, " suspended\n"); n != 4 {
		t.Fatalf("suspend of a running experiment suspended %d trials, want 4:\n%s", n, r)
	}
	WaitFor(t, 2*time.Minute, "no pod of the experiment left running", func() (bool, string) {
		_, _, _, running := sampler.Snapshot()
		s, r := Status(t, ns, "pause")
		return len(running) == 0 && r.Err == nil && s.Count("Suspended") == 4, sampler.String() + "\n" + s.Describe()
	})
	r = MustMlexp(t, ns, "resume", "pause")
	if n := strings.Count(r.Stdout, " resumed\n"); n != 4 {
		t.Fatalf("resume resumed %d trials, want 4:\n%s", n, r)
	}
	WaitFor(t, 3*time.Minute, "every trial to succeed after resume", func() (bool, string) {
		s, r := Status(t, ns, "pause")
		return r.Err == nil && s.Count("Succeeded") == 4, s.Describe()
	})
}
