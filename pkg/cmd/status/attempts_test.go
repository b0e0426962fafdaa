package status

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func retriedExperiment() *fake.Clientset {
	objs := kubefake.Experiment("ml", "oom",
		kubefake.Trial{Name: "oom-aaaaaaaa", Index: 0, Params: `{"run":"hog"}`, State: "Succeeded", Memory: "64Mi"},
		kubefake.Trial{Name: "oom-bbbbbbbb", Index: 1, Params: `{"run":"ok"}`, State: "Succeeded", Memory: "32Mi"},
	)
	objs[0].(*batchv1.Job).Annotations[keys.Attempts] =
		`[{"attempt":1,"state":"OOMKilled","reason":"OOMKilled","exitCode":137,"container":"ml","memoryLimits":{"ml":"32Mi"}}]`
	return fake.NewClientset(objs...)
}

func runAttempts(t *testing.T, c *fake.Clientset, output string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: &kubefake.Getter{NS: "ml", Client: c},
		Print: common.PrintFlags{Output: output, Tables: []string{"wide"}, NameKind: "job.batch"}, Now: func() time.Time { return kubefake.T0.Add(time.Hour) }}
	if err := o.Complete(o.Getter, nil, []string{"oom"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestStatusShowsAttempts(t *testing.T) {
	got := runAttempts(t, retriedExperiment(), "")
	want := `TRIAL          RUN   STATE       REASON   RESTARTS   ATTEMPTS   NODE    AGE   DURATION
oom-aaaaaaaa   hog   Succeeded   -        0          2          node1   60m   59s
oom-bbbbbbbb   ok    Succeeded   -        0          1          node1   60m   59s
2 trials: 2 succeeded
`
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	wide := runAttempts(t, retriedExperiment(), "wide")
	if !strings.Contains(wide, "PREVIOUS") || !strings.Contains(wide, "OOMKilled at limit 32Mi (exit 137)") {
		t.Errorf("-o wide does not say why the previous attempt ended:\n%s", wide)
	}
	var res struct {
		Trials []struct {
			Attempt  int `json:"attempt"`
			Attempts []struct {
				State string `json:"state"`
			} `json:"attempts"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(runAttempts(t, retriedExperiment(), "json")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Trials[0].Attempt != 2 || len(res.Trials[0].Attempts) != 1 || res.Trials[0].Attempts[0].State != "OOMKilled" || res.Trials[1].Attempt != 1 {
		t.Errorf("-o json attempts: %+v", res.Trials)
	}
}

func TestStatusHidesAttemptsWhenAllAreFirst(t *testing.T) {
	c := fake.NewClientset(kubefake.Experiment("ml", "oom", kubefake.Trial{Name: "oom-bbbbbbbb", Params: `{"run":"ok"}`, State: "Succeeded"})...)
	for _, o := range []string{"", "wide"} {
		if got := runAttempts(t, c, o); strings.Contains(got, "ATTEMPTS") || strings.Contains(got, "PREVIOUS") {
			t.Errorf("-o %q shows attempts of a never retried experiment:\n%s", o, got)
		}
	}
}
