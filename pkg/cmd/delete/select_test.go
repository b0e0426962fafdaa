package delete

import (
	"fmt"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func twoExperiments() *fake.Clientset {
	objs := kubefake.Experiment("ml", "x",
		kubefake.Trial{Name: "x-aaaaaaaa", Index: 0, Params: `{"act":"relu"}`, State: "OOMKilled"},
		kubefake.Trial{Name: "x-bbbbbbbb", Index: 1, Params: `{"act":"tanh"}`, State: "Succeeded"},
		kubefake.Trial{Name: "x-cccccccc", Index: 2, Params: `{"act":"relu"}`, State: "Failed"},
	)
	objs = append(objs, kubefake.Experiment("ml", "y",
		kubefake.Trial{Name: "y-aaaaaaaa", Index: 0, Params: `{"act":"relu"}`, State: "Succeeded"},
	)...)
	for _, o := range objs {
		if j, ok := o.(*batchv1.Job); ok && j.Name == "x-cccccccc" {
			j.Labels["team"] = "vision"
		}
	}
	c := fake.NewClientset(objs...)
	kubefake.AllowAll(c)
	return c
}

// collections returns the selectors of the DeleteCollection calls, per resource.
func collections(c *fake.Clientset) []string {
	var got []string
	for _, a := range c.Actions() {
		if dc, ok := a.(k8stesting.DeleteCollectionAction); ok && a.GetVerb() == "delete-collection" {
			got = append(got, dc.GetResource().Resource+" "+dc.GetListRestrictions().Labels.String())
		}
	}
	return got
}

func TestDeleteSomeTrials(t *testing.T) {
	for name, tc := range map[string]struct {
		args  []string
		out   string
		calls string
	}{
		"--trial": {[]string{"x", "--trial", "bbbbbbbb"}, `job.batch "x-bbbbbbbb" deleted`,
			"jobs mlexp.dev/experiment=x,mlexp.dev/trial in (x-bbbbbbbb);pods mlexp.dev/experiment=x,mlexp.dev/trial in (x-bbbbbbbb)"},
		"--failed": {[]string{"x", "--failed"}, "job.batch \"x-aaaaaaaa\" deleted\njob.batch \"x-cccccccc\" deleted",
			"jobs mlexp.dev/experiment=x,mlexp.dev/trial in (x-aaaaaaaa,x-cccccccc);pods mlexp.dev/experiment=x,mlexp.dev/trial in (x-aaaaaaaa,x-cccccccc)"},
		"--param-selector": {[]string{"x", "--param-selector", "act=relu"}, "job.batch \"x-aaaaaaaa\" deleted\njob.batch \"x-cccccccc\" deleted",
			"jobs mlexp.dev/experiment=x,mlexp.dev/trial in (x-aaaaaaaa,x-cccccccc);pods mlexp.dev/experiment=x,mlexp.dev/trial in (x-aaaaaaaa,x-cccccccc)"},
		"-l on the Jobs": {[]string{"x", "-l", "team=vision"}, `job.batch "x-cccccccc" deleted`,
			"jobs mlexp.dev/experiment=x,mlexp.dev/trial in (x-cccccccc);pods mlexp.dev/experiment=x,mlexp.dev/trial in (x-cccccccc)"},
		"several experiments, as list -o name prints them": {[]string{"experiment/x", "experiment/y"},
			"job.batch \"x-aaaaaaaa\" deleted\njob.batch \"x-bbbbbbbb\" deleted\njob.batch \"x-cccccccc\" deleted\njob.batch \"y-aaaaaaaa\" deleted",
			"jobs mlexp.dev/experiment=x,!mlexp.dev/role;pods mlexp.dev/experiment=x,!mlexp.dev/role;jobs mlexp.dev/experiment=y,!mlexp.dev/role;pods mlexp.dev/experiment=y,!mlexp.dev/role"},
		"a trial of one of several": {[]string{"x", "y", "--param-selector", "act=relu", "--failed"},
			"job.batch \"x-aaaaaaaa\" deleted\njob.batch \"x-cccccccc\" deleted",
			"jobs mlexp.dev/experiment=x,mlexp.dev/trial in (x-aaaaaaaa,x-cccccccc);pods mlexp.dev/experiment=x,mlexp.dev/trial in (x-aaaaaaaa,x-cccccccc)"},
	} {
		t.Run(name, func(t *testing.T) {
			c := twoExperiments()
			out, err := run(t, c, append(tc.args, "--wait=false")...)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(out) != tc.out {
				t.Errorf("output:\n%s\nwant:\n%s", out, tc.out)
			}
			if got := strings.Join(collections(c), ";"); got != tc.calls {
				t.Errorf("delete collections:\n%s\nwant:\n%s", got, tc.calls)
			}
		})
	}
}

func TestDeleteChecksEverythingBeforeDeleting(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"unknown trial":       {[]string{"x", "y", "--trial", "aaaaaaaa", "--trial", "ffffffff"}, "--trial: no trial ffffffff in experiment(s) x, y"},
		"one missing of two":  {[]string{"x", "zzz"}, `experiment "zzz" not found in namespace "ml"`},
		"bad argument":        {[]string{"x", "job/x"}, `"job/x" is not an experiment`},
		"bad label selector":  {[]string{"x", "-l", "a=(b"}, "--selector: "},
		"bad param selector":  {[]string{"x", "--param-selector", "act"}, "--param-selector: "},
		"unknown parameter":   {[]string{"x", "y", "--param-selector", "acts!=relu", "--wait=false"}, `--param-selector: experiment "x" has no parameter "acts" (did you mean "act"?); its parameters: act`},
		"no experiment named": {nil, "an experiment name is required"},
	} {
		t.Run(name, func(t *testing.T) {
			c := twoExperiments()
			_, err := run(t, c, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if got := collections(c); len(got) != 0 {
				t.Errorf("deleted although the command failed: %v", got)
			}
		})
	}
}

func TestDeleteNothingToDelete(t *testing.T) {
	c := fake.NewClientset(kubefake.Experiment("ml", "x", kubefake.Trial{Name: "x-bbbbbbbb", State: "Succeeded"})...)
	kubefake.AllowAll(c)
	var errOut strings.Builder
	out, err := runErr(t, c, &errOut, "x", "--failed")
	if err != nil || out != "" || !strings.Contains(errOut.String(), "No resources found in ml namespace.") || len(collections(c)) != 0 {
		t.Errorf("out %q err %v stderr %q calls %v", out, err, errOut.String(), collections(c))
	}
}

func TestDeleteManyTrialsInChunks(t *testing.T) {
	var trials []kubefake.Trial
	for i := range 250 {
		trials = append(trials, kubefake.Trial{Name: fmt.Sprintf("x-%08x", i), Index: i, State: "Failed"})
	}
	c := fake.NewClientset(kubefake.Experiment("ml", "x", trials...)...)
	kubefake.AllowAll(c)
	if _, err := run(t, c, "x", "--failed", "--wait=false"); err != nil {
		t.Fatal(err)
	}
	if n := len(collections(c)); n != 6 {
		t.Errorf("%d DeleteCollection calls for 250 trials, want 6 (3 chunks of Jobs and pods)", n)
	}
	var lists int
	for _, a := range c.Actions() {
		if a.GetVerb() == "list" {
			lists++
		}
	}
	if lists != 1 {
		t.Errorf("%d List calls, want 1", lists)
	}
}

// TestDeleteLargeExperimentInChunks: past wholeAtOnce Jobs a whole
// experiment goes a chunk of names at a time (one DeleteCollection of 10,000
// Jobs outlasts the API server's request timeout), then by its label.
func TestDeleteLargeExperimentInChunks(t *testing.T) {
	defer func(n int) { wholeAtOnce = n }(wholeAtOnce)
	wholeAtOnce = 200
	var trials []kubefake.Trial
	for i := range 250 {
		trials = append(trials, kubefake.Trial{Name: fmt.Sprintf("x-%08x", i), Index: i, State: "Succeeded"})
	}
	c := fake.NewClientset(kubefake.Experiment("ml", "x", trials...)...)
	kubefake.AllowAll(c)
	if _, err := run(t, c, "x", "--wait=false"); err != nil {
		t.Fatal(err)
	}
	got := collections(c)
	if len(got) != 8 {
		t.Fatalf("%d DeleteCollection calls for 250 trials, want 8 (3 chunks and the experiment's label, of Jobs and pods): %v", len(got), got)
	}
	if last := got[len(got)-1]; !strings.HasSuffix(last, "mlexp.dev/experiment=x,!mlexp.dev/role") {
		t.Errorf("the last DeleteCollection is %q, want one by the experiment's label", last)
	}
}
