//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// lifeExperiment has one trial that needs ~48 MiB under a 32Mi limit (dd's
// 48M buffer; exec makes dd the container's main process, so the OOM
// killer's kill ends the container) and two that fit.
const lifeExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: life
spec:
  parameters:
    list:
      - {run: hog, mb: 48}
      - {run: ok1, mb: 1}
      - {run: ok2, mb: 1}
  template:
    spec:
      template:
        spec:
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, "echo start ${run}; exec dd if=/dev/zero of=/dev/null bs=${mb}M count=1"]
            resources:
              limits: {cpu: 100m, memory: 32Mi}
`

// exitCode returns the exit status of a command run by the harness.
func exitCode(r Result) int {
	var ee *exec.ExitError
	if errors.As(r.Err, &ee) {
		return ee.ExitCode()
	}
	if r.Err != nil {
		return -1
	}
	return 0
}

// TestRetryOOMKilledTrial is issue 9's acceptance: the hog is OOMKilled (or
// LikelyOOMKilled, when the runtime reports the exit before the OOM event:
// HogOutcome) and wait exits 1 naming it; retry re-runs it with 64Mi and
// it succeeds, by running its own command (issue 19: it ran the image's
// default one);
// status shows ATTEMPTS 2 and why attempt 1 ended; wait exits 0; the
// unchanged file re-submitted touches no Job; describe shows both attempts.
func TestRetryOOMKilledTrial(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "life")
	file := WriteFile(t, "life.yaml", lifeExperiment)
	MustMlexp(t, ns, "submit", "-f", file)

	r := Mlexp(t, ns, "wait", "life", "--timeout", "4m")
	s, _ := Status(t, ns, "life")
	hog := ""
	var out OOMOutcome
	for _, tr := range s.Trials {
		if tr.Params["run"] == "hog" {
			hog, out = tr.Name, HogOutcome(t, tr, "32Mi")
		}
	}
	if hog == "" {
		t.Fatalf("no hog trial:\n%s", s.Describe())
	}
	if exitCode(r) != 1 || !strings.Contains(r.Stderr, "1 of 3 trials failed: life-") || !strings.Contains(r.Stderr, out.Cell) {
		t.Fatalf("first wait: want exit 1 naming the trial %q; got exit %d\n%s", out.Cell, exitCode(r), r)
	}
	if strings.Count(r.Stdout, " succeeded") != 2 || !strings.Contains(r.Stdout, "failed: "+out.Cell+" [run=hog,mb=48]") {
		t.Errorf("first wait: want one line per trial as it ended:\n%s", r.Stdout)
	}
	before := jobVersions(t, ns)

	// The Job a retry would create is the hog's whole Job, with 64Mi.
	dry := MustMlexp(t, ns, "retry", "life", hog, "--dry-run=client", "-o", "yaml").Stdout
	for _, want := range []string{"echo start hog; exec dd", "bs=48M", "memory: 64Mi", "imagePullPolicy: Never"} {
		if !strings.Contains(dry, want) {
			t.Errorf("retry --dry-run=client -o yaml lacks %q:\n%s", want, dry)
		}
	}

	r = MustMlexp(t, ns, "retry", "life")
	want := "job.batch/" + hog + " replaced (attempt 2 after " + out.After + "; limits.memory of container ml: 32Mi -> 64Mi)\n"
	if r.Stdout != want {
		t.Errorf("retry printed:\n%s\nwant:\n%s", r.Stdout, want)
	}
	after := jobVersions(t, ns)
	for name, v := range before {
		if name != hog && after[name] != v {
			t.Errorf("retry touched %s, which succeeded", name)
		}
	}
	if after[hog] == before[hog] {
		t.Errorf("retry did not replace %s", hog)
	}

	r = Mlexp(t, ns, "wait", "life", "--timeout", "4m")
	if exitCode(r) != 0 || !strings.Contains(r.Stdout, hog+" succeeded") {
		t.Fatalf("second wait: want exit 0 with the hog succeeded; got exit %d\n%s", exitCode(r), r)
	}

	// It succeeded by running its own command: dd ends (the OOMKilled run
	// never printed "records out"), not the image's default entrypoint.
	if logs := MustMlexp(t, ns, "logs", "life", hog).Stdout; !strings.Contains(logs, "start hog") || !strings.Contains(logs, "records out") {
		t.Errorf("the retried hog's log does not show its own command's output (start hog, dd's records out):\n%s", logs)
	}

	table := MustMlexp(t, ns, "status", "life").Stdout
	if !strings.Contains(table, "ATTEMPTS") || !rowHas(table, hog, "Succeeded", " 2 ") {
		t.Errorf("status does not show ATTEMPTS 2 for %s:\n%s", hog, table)
	}
	wide := MustMlexp(t, ns, "status", "life", "-o", "wide").Stdout
	if !rowHas(wide, hog, out.Attempt) {
		t.Errorf("status -o wide does not say why attempt 1 ended:\n%s", wide)
	}

	settled := jobVersions(t, ns)
	r = MustMlexp(t, ns, "submit", "-f", file)
	if strings.Count(r.Stdout, " unchanged\n") != 3 || !strings.Contains(r.Stderr, "3 trials (3 unchanged)") {
		t.Errorf("re-submit of the unchanged file: want 3 unchanged\n%s", r)
	}
	for name, v := range jobVersions(t, ns) {
		if settled[name] != v {
			t.Errorf("re-submit touched Job %s:\n%s\n->\n%s", name, settled[name], v)
		}
	}

	d := MustMlexp(t, ns, "describe", "life", hog).Stdout
	for _, want := range []string{"Attempt:", out.Attempt, "Succeeded (current)", "ml=64Mi", "Retry Override:", "32Mi -> 64Mi"} {
		if !strings.Contains(d, want) {
			t.Errorf("describe %s lacks %q:\n%s", hog, want, d)
		}
	}
}

// jobVersions maps each Job of the namespace to what a write of the plugin
// would change: its UID (a replacement), generation (its spec) and
// annotations. Not the resourceVersion, which the Job controller's own
// status updates move after a trial ends.
func jobVersions(t *testing.T, ns string) map[string]string {
	t.Helper()
	jobs, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, j := range jobs.Items {
		out[j.Name] = fmt.Sprintf("uid %s generation %d annotations %v", j.UID, j.Generation, j.Annotations)
	}
	return out
}

// rowHas reports whether the table row of trial contains every part.
func rowHas(table, trial string, parts ...string) bool {
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, trial+" ") {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(line, p) {
				return false
			}
		}
		return true
	}
	return false
}
