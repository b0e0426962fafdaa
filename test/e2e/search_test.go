//go:build e2e

package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// quadScript prints, for 3 epochs a second apart, loss = (x-1)^2 + (y+2)^2
// + 1/epoch: the search's known function, minimum 0 at x=1, y=-2.
const quadScript = `for i in 1 2 3; do echo "epoch $i loss=$(awk "BEGIN{a=${x}-1; b=${y}+2; print a*a+b*b+1/$i}")"; sleep 1; done`

// TestSearchTPEKilledAndContinued is issue 21's acceptance for the
// driver: a TPE search of 24 trials, 3 at a time, whose driver (submit)
// is killed with SIGKILL after 8 trials; two tunes started together from
// new processes both end with exit 0 and one search of exactly 24 trials,
// never more than 3 unfinished at once, whose later trials are clearly
// better than its random start.
func TestSearchTPEKilledAndContinued(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "tpe")
	pw := WatchParallel(t, ns)
	file := WriteFile(t, "tpe.yaml", SearchExperiment("tpe", `    algorithm: tpe
    seed: 7
    parallelTrials: 3
    maxTrials: 24
    params:
      x: {uniform: [-5, 5]}
      y: {uniform: [-5, 5]}`, quadScript))
	sub := StartMlexp(t, ns, "submit", "-f", file)
	WaitFor(t, 4*time.Minute, "the driver to create 8 trials", func() (bool, string) {
		_, created := pw.Most()
		return len(created) >= 8, fmt.Sprintf("created %v\nsubmit printed:\n%s", created, sub.Result())
	})
	// A closed laptop: no Ctrl-C, no lease released.
	_ = sub.cmd.Process.Kill()
	sub.Wait(t, time.Minute)

	a := StartMlexp(t, ns, "tune", "tpe")
	b := StartMlexp(t, ns, "tune", "tpe")
	ra, rb := a.Wait(t, 8*time.Minute), b.Wait(t, 8*time.Minute)
	if ra.Err != nil || rb.Err != nil {
		t.Fatalf("both tunes must end with exit 0:\nfirst:\n%s\nsecond:\n%s", ra, rb)
	}
	if !strings.Contains(ra.Stderr+rb.Stderr, "is driven by") {
		t.Errorf("neither tune said it waited for the lease:\nfirst:\n%s\nsecond:\n%s", ra, rb)
	}
	trials := SearchTrials(t, ns, "tpe")
	most, created := pw.Most()
	if len(trials) != 24 || len(created) != 24 {
		t.Fatalf("%d trials (%d created), want exactly 24:\n%s", len(trials), len(created), DescribeSearch(trials))
	}
	for i, tr := range trials {
		if want := fmt.Sprintf("tpe-%03d", i); tr.Name != want || tr.Index != i || tr.Loss == nil {
			t.Errorf("trial %d: %s index %d loss %v, want %s with a recorded loss", i, tr.Name, tr.Index, tr.Loss, want)
		}
	}
	if most > 3 {
		t.Errorf("%d trials unfinished at once, want at most parallelTrials 3; the watch saw:\n%s\nsubmit printed:\n%s\ntunes printed:\n%s\n%s", most, pw.History(), sub.Result(), ra, rb)
	}
	// TPE starts with 10 random trials; the last 8 are its own.
	start, late := losses(trials[:10]), losses(trials[16:])
	if late[len(late)/2] > start[len(start)/2]/2 {
		t.Errorf("median loss of the last 8 trials %v is not clearly below the random start's %v\n%s", late[len(late)/2], start[len(start)/2], DescribeSearch(trials))
	}
	st := MustMlexp(t, ns, "status", "tpe")
	if !strings.Contains(st.Stdout, "search: tpe, 24 of 24 trials finished") || !strings.Contains(st.Stdout, "ended: 24 trials finished (maxTrialCount 24)") {
		t.Errorf("status does not show the ended search:\n%s", st)
	}
	MustMlexp(t, ns, "wait", "tpe")
}

// losses returns the recorded losses of trials, sorted.
func losses(ts []SearchTrial) []float64 {
	var out []float64
	for _, t := range ts {
		if t.Loss != nil {
			out = append(out, *t.Loss)
		}
	}
	sort.Float64s(out)
	return out
}

// TestSearchMedianStop: a grid walked 3 at a time with median stopping;
// the three good trials (4 epochs, loss 1/epoch) finish first, then the
// two bad ones (loss 9 for 30 epochs) are stopped while they run, marked
// EarlyStopped with the objective they reached, their Jobs suspended; as
// in Katib the search succeeds (wait exits 0).
func TestSearchMedianStop(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "median")
	script := `case ${kind} in good*) n=4;; *) n=30;; esac; i=1; while [ $i -le $n ]; do case ${kind} in good*) l=$(awk "BEGIN{print 1/$i}");; *) l=9;; esac; echo "epoch $i loss=$l"; i=$((i+1)); sleep 1; done`
	file := WriteFile(t, "median.yaml", SearchExperiment("median", `    algorithm: grid
    parallelTrials: 3
    earlyStopping:
      algorithm: medianstop
      settings: {min_trials_required: "3", start_step: "2"}
    params:
      kind: {choice: [good1, good2, good3, bad1, bad2]}`, script))
	r := Mlexp(t, ns, "submit", "-f", file)
	if r.Err != nil {
		t.Fatalf("submit: %s", r)
	}
	if strings.Count(r.Stdout, "stopped early: median stopping at step") != 2 {
		t.Errorf("submit did not say it stopped the two bad trials:\n%s", r)
	}
	trials := SearchTrials(t, ns, "median")
	if len(trials) != 5 {
		t.Fatalf("%d trials, want the grid's 5:\n%s", len(trials), DescribeSearch(trials))
	}
	for _, tr := range trials[3:] {
		if tr.Stopped == "" || !tr.Suspended || tr.Loss == nil || *tr.Loss != 9 || tr.Curve < 2 || tr.Curve >= 30 {
			t.Errorf("bad trial %s: want stopped while it ran (suspended, loss 9, 2 to 29 epochs recorded):\n%s", tr.Name, DescribeSearch(trials))
		}
	}
	s, _ := Status(t, ns, "median")
	if s.Count("EarlyStopped") != 2 || s.Count("Succeeded") != 3 {
		t.Errorf("status: want 3 Succeeded and 2 EarlyStopped:\n%s", s.Describe())
	}
	w := Mlexp(t, ns, "wait", "median")
	if w.Err != nil || !strings.Contains(w.Stdout, "stopped early: median stopping") {
		t.Errorf("wait: want exit 0, the stopped trials counting as successes:\n%s", w)
	}
	res := MustMlexp(t, ns, "results", "median")
	if !strings.Contains(res.Stdout, "early-stopped trials are ranked by their last reported value") {
		t.Errorf("results does not mark the early-stopped trials:\n%s", res)
	}
}

// TestSearchMaxFailed: every trial fails; after maxFailedTrials of them
// the search is Failed: submit exits 1 and says why, no trial is created
// after, wait exits 1 and status says the search ended.
func TestSearchMaxFailed(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "maxfail")
	file := WriteFile(t, "fail.yaml", SearchExperiment("fail", `    algorithm: random
    parallelTrials: 2
    maxTrials: 6
    maxFailedTrials: 2
    params:
      x: {uniform: [0, 1]}`, `echo loss=${x}; exit 1`))
	r := Mlexp(t, ns, "submit", "-f", file)
	if r.Err == nil || !strings.Contains(r.Stderr, "the search failed: ") || !strings.Contains(r.Stderr, "trials failed (maxFailedTrialCount 2)") {
		t.Fatalf("submit: want exit 1 saying the search failed:\n%s", r)
	}
	trials := SearchTrials(t, ns, "fail")
	if len(trials) > 3 {
		t.Errorf("%d trials: the search went on after 2 failed:\n%s", len(trials), DescribeSearch(trials))
	}
	w := Mlexp(t, ns, "wait", "fail")
	if exitCode(w) != 1 || !strings.Contains(w.Stderr, "the search of experiment fail failed") {
		t.Errorf("wait: want exit 1, the search failed:\n%s", w)
	}
	st := MustMlexp(t, ns, "status", "fail")
	if !strings.Contains(st.Stdout, "ended: ") || !strings.Contains(st.Stdout, "(maxFailedTrialCount 2)") {
		t.Errorf("status does not say why the search ended:\n%s", st)
	}
}
