//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// TestSeedGrid submits the seed's own experiments.yaml unchanged: 24 Jobs
// with limits of 1 CPU on a 2-CPU node. While they run, at most 2 are
// Running and the others wait Pending for the scheduler's "Insufficient
// cpu"; in the end all 24 succeed.
func TestSeedGrid(t *testing.T) {
	SeedImages(t)
	ns := NewNamespace(t, "seed")
	t.Setenv("REPO", "localhost/mlexp")
	r := MustMlexp(t, ns, "submit", "-f", "../../examples/seed-experiments.yaml", "--name", "seed",
		"--command", "python train.py", "--cpu", "1", "--memory", "6Gi", "--param-names", "epochs,activation,dropout")
	if n := strings.Count(r.Stdout, " created\n"); n != 24 {
		t.Fatalf("submit created %d Jobs, want 24:\n%s", n, r)
	}
	maxRunning, sawInsufficientCPU := 0, false
	var last StatusResult
	WaitFor(t, 10*time.Minute, "24 trials to succeed", func() (bool, string) {
		s, r := Status(t, ns, "seed")
		if r.Err != nil {
			return false, r.String()
		}
		last = s
		if n := s.Count("Running"); n > maxRunning {
			maxRunning = n
		}
		for _, tr := range s.Trials {
			if tr.State == "Pending" && strings.Contains(tr.Message, "Insufficient cpu") {
				sawInsufficientCPU = true
			}
		}
		return s.Count("Succeeded") == 24, s.Describe()
	})
	if maxRunning > 2 {
		t.Errorf("saw %d trials Running at once on a 2-CPU node with limits.cpu 1", maxRunning)
	}
	if maxRunning == 0 {
		t.Errorf("never saw a trial Running")
	}
	if !sawInsufficientCPU {
		t.Errorf("never saw a Pending trial with the scheduler's Insufficient cpu message")
	}
	// The rows of the seed's file, in order, became the Jobs' args.
	jobs, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{LabelSelector: keys.ForExperiment("seed")})
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]int{}
	for _, j := range jobs.Items {
		c := j.Spec.Template.Spec.Containers[0]
		args[strings.Join(c.Args, " ")]++
		if got := c.Resources.Limits.Cpu().String(); got != "1" {
			t.Errorf("job %s: cpu limit %s, want 1", j.Name, got)
		}
		if j.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
			t.Errorf("job %s: restartPolicy %s", j.Name, j.Spec.Template.Spec.RestartPolicy)
		}
	}
	if args["10 softmax 0.2"] != 3 || args["10 softsign 0.9"] != 3 || len(args) != 8 {
		t.Errorf("args of the 24 Jobs = %v, want the seed's 8 rows 3 times each", args)
	}
	t.Logf("max running at once: %d; final: %s", maxRunning, last.Describe())
}

const oomExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: oom
spec:
  parameters:
    list:
      - {run: hog, script: "echo start; exec dd if=/dev/zero of=/dev/null bs=256M count=1"}
      - {run: ok1, script: "echo fine; sleep 2; echo Test accuracy: 0.91"}
      - {run: ok2, script: "echo fine; sleep 2; echo Test accuracy: 0.92"}
  template:
    spec:
      template:
        spec:
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, "${script}"]
            resources:
              limits: {cpu: 200m, memory: 32Mi}
`

// TestOOMKilledTrial reproduces the seed's memory hog: the trial that grows
// past its limit ends killed with exit code 137 and its Job Failed, the
// other trials of the experiment succeed, and the node stays Ready. The
// runtime reports the kill OOMKilled, or Error when the exit beats the OOM
// event (HogOutcome): status, its summary line, retry and events must say
// what happened either way.
func TestOOMKilledTrial(t *testing.T) {
	ns := NewNamespace(t, "oom")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "oom.yaml", oomExperiment))
	var final StatusResult
	WaitFor(t, 5*time.Minute, "every trial to finish", func() (bool, string) {
		s, r := Status(t, ns, "oom")
		if r.Err != nil {
			return false, r.String()
		}
		final = s
		return len(s.Trials) == 3 && s.Count("Succeeded")+s.Count("Failed")+s.Count("OOMKilled") == 3, s.Describe()
	})
	var hog TrialStatus
	for _, tr := range final.Trials {
		switch tr.Params["run"] {
		case "hog":
			hog = tr
		default:
			if tr.State != "Succeeded" {
				t.Errorf("%s: state %s, want Succeeded\n%s", tr.Params["run"], tr.State, final.Describe())
			}
		}
	}
	if hog.Name == "" {
		t.Fatalf("no hog trial:\n%s", final.Describe())
	}
	out := HogOutcome(t, hog, "32Mi")
	if hog.ExitCode == nil || *hog.ExitCode != 137 || hog.MemoryLimit != "32Mi" || hog.OOMContainer != "ml" {
		t.Errorf("hog: exit %v limit %q container %q, want exit 137, limit 32Mi, container ml\n%s", hog.ExitCode, hog.MemoryLimit, hog.OOMContainer, final.Describe())
	}
	job, err := client.BatchV1().Jobs(ns).Get(context.Background(), hog.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	failed := false
	for _, c := range job.Status.Conditions {
		failed = failed || (c.Type == "Failed" && c.Status == corev1.ConditionTrue)
	}
	if !failed {
		t.Errorf("hog's Job is not Failed: %+v", job.Status.Conditions)
	}
	table := MustMlexp(t, ns, "status", "oom").Stdout
	if !rowHas(table, hog.Name, out.Cell) || !strings.Contains(table, "3 trials: 2 succeeded, "+out.Summary+"\n") {
		t.Errorf("status does not say %q and %q:\n%s", out.Cell, out.Summary, table)
	}
	// retry gives it twice the memory, whichever way the runtime said it
	// (a client dry run: nothing is replaced)
	r := MustMlexp(t, ns, "retry", "oom", "--dry-run=client")
	if want := "job.batch/" + hog.Name + " replaced (dry run) (attempt 2 after " + out.After + "; limits.memory of container ml: 32Mi -> 64Mi)\n"; r.Stdout != want {
		t.Errorf("retry --dry-run=client printed:\n%s\nwant:\n%s", r.Stdout, want)
	}
	var ev rawEvents
	if err := json.Unmarshal([]byte(MustMlexp(t, ns, "events", "oom", "--raw", "--trial", hog.Name, "-o", "json").Stdout), &ev); err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, e := range ev.Events {
		seen = seen || (e.Reason == out.Event && e.Source == "pod status" && strings.Contains(e.Message, "memory limit of 32Mi"))
	}
	if !seen {
		t.Errorf("events of %s lack a %s event from the pod's status at 32Mi: %+v", hog.Name, out.Event, ev.Events)
	}
	nodes, err := client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes.Items {
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status != corev1.ConditionTrue {
				t.Errorf("node %s not Ready after the OOM: %s", n.Name, c.Message)
			}
		}
	}
}

// TestResubmitAndDelete checks that submitting the same file again changes
// no Job (no generation moves), and that delete removes exactly that
// experiment's Jobs and pods and nothing of another experiment.
func TestResubmitAndDelete(t *testing.T) {
	ns := NewNamespace(t, "resubmit")
	file := func(name string) string {
		return WriteFile(t, name+".yaml", fmt.Sprintf(`apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: %s
spec:
  parameters:
    grid:
      n: [1, 2, 3]
  template:
    spec:
      template:
        spec:
          containers:
          - name: ml
            image: %s
            imagePullPolicy: Never
            command: [sh, -c, "echo trial ${n}; sleep 1"]
            resources:
              limits: {cpu: 50m, memory: 16Mi}
`, name, ToolboxImage))
	}
	a, b := file("keep"), file("gone")
	MustMlexp(t, ns, "submit", "-f", a)
	MustMlexp(t, ns, "submit", "-f", b)
	ctx := context.Background()
	gens := func() map[string]int64 {
		jobs, err := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, j := range jobs.Items {
			out[j.Name] = j.Generation
		}
		return out
	}
	before := gens()
	if len(before) != 6 {
		t.Fatalf("jobs = %v, want 6", before)
	}
	r := MustMlexp(t, ns, "submit", "-f", b)
	if n := strings.Count(r.Stdout, " unchanged\n"); n != 3 {
		t.Errorf("re-submit: %d unchanged, want 3:\n%s", n, r)
	}
	r = MustMlexp(t, ns, "submit", "-f", b, "--dry-run=server")
	if n := strings.Count(r.Stdout, "(server dry run)"); n != 3 {
		t.Errorf("server dry run printed %d lines, want 3:\n%s", n, r)
	}
	if after := gens(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("re-submit moved generations: before %v after %v", before, after)
	}
	MustMlexp(t, ns, "delete", "gone")
	left, err := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range left.Items {
		if j.Labels[keys.Experiment] != "keep" {
			t.Errorf("job %s of experiment %q left after delete", j.Name, j.Labels[keys.Experiment])
		}
	}
	if len(left.Items) != 3 {
		t.Errorf("%d jobs left, want the 3 of experiment keep", len(left.Items))
	}
	pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: keys.ForExperiment("gone")})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 0 {
		t.Errorf("%d pods of the deleted experiment left", len(pods.Items))
	}
	if r := Mlexp(t, ns, "status", "gone"); r.Err == nil || !strings.Contains(r.Stderr, "not found") {
		t.Errorf("status of a deleted experiment: %s", r)
	}
}
