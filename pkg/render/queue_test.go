package render

import (
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

func TestQueueLabelSuspends(t *testing.T) {
	in := head + "  parameters:\n    grid: {model: [m1]}\n  template:\n    spec:\n" + pod
	cases := map[string]struct {
		file, queue string
		want        string // the queue-name label; "" for none
	}{
		"no queue":     {file: in},
		"spec.queue":   {file: in + "  queue: team-a\n", want: "team-a"},
		"--queue":      {file: in + "  queue: team-a\n", queue: "team-b", want: "team-b"},
		"label itself": {file: strings.Replace(in, "  template:\n", "  template:\n    metadata: {labels: {kueue.x-k8s.io/queue-name: team-c}}\n", 1), want: "team-c"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			exp, err := experiment.Parse("t.yaml", []byte(tc.file), experiment.Options{Getenv: repoEnv, Queue: tc.queue})
			if err != nil {
				t.Fatal(err)
			}
			trials, _, err := Render(exp)
			if err != nil {
				t.Fatal(err)
			}
			job := trials[0].Job
			if got := job.Labels[keys.KueueQueueName]; got != tc.want {
				t.Errorf("queue-name label = %q, want %q", got, tc.want)
			}
			suspended := job.Spec.Suspend != nil && *job.Spec.Suspend
			if suspended != (tc.want != "") {
				t.Errorf("suspend = %v, want %v: a Job naming a queue is created suspended for Kueue to admit", job.Spec.Suspend, tc.want != "")
			}
			if _, ok := job.Spec.Template.Labels[keys.KueueQueueName]; ok && tc.queue != "" {
				t.Errorf("the pod template got the queue label too")
			}
		})
	}
}

// TestSpecHashIgnoresSuspend: a trial suspended or resumed (by submit
// --suspend, a queue, Kueue or suspend/resume) is the same trial, so a
// re-submit does not see it changed; its queue is part of it.
func TestSpecHashIgnoresSuspend(t *testing.T) {
	in := head + "  parameters:\n    grid: {model: [m1]}\n  template:\n    spec:\n" + pod
	plain, _, err := renderString(in)
	if err != nil {
		t.Fatal(err)
	}
	suspended, _, err := renderString(strings.Replace(in, "    spec:\n", "    spec:\n      suspend: true\n", 1))
	if err != nil {
		t.Fatal(err)
	}
	queued, _, err := renderString(in + "  queue: team-a\n")
	if err != nil {
		t.Fatal(err)
	}
	hp, hs, hq := plain[0].Job.Annotations[keys.SpecHash], suspended[0].Job.Annotations[keys.SpecHash], queued[0].Job.Annotations[keys.SpecHash]
	if hp != hs {
		t.Errorf("spec.suspend changed the hash: %s without, %s with", hp, hs)
	}
	if hp == hq {
		t.Errorf("a queue keeps the hash %s: moving a trial to a queue must be seen as a change", hp)
	}
	job := plain[0].Job.DeepCopy()
	yes := true
	job.Spec.Suspend = &yes
	if got := SpecHash(job); got != hp {
		t.Errorf("SpecHash of the Job suspended afterwards = %s, want %s", got, hp)
	}
}
