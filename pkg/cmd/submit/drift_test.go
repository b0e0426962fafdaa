package submit

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// stripLikeIssue19 re-creates trial name's Job as a retry of issue 19
// did: copied from a List for reading, without the containers' command,
// args and env, with the file's spec hash and the attempts history.
func stripLikeIssue19(t *testing.T, c *fake.Clientset, name string) {
	t.Helper()
	ctx := context.Background()
	jobs := c.BatchV1().Jobs("ml")
	j, err := jobs.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if j.Annotations[keys.Attempts] == "" {
		t.Fatalf("%s was not retried", name)
	}
	for i := range j.Spec.Template.Spec.Containers {
		ct := &j.Spec.Template.Spec.Containers[i]
		ct.Command, ct.Args, ct.Env = nil, nil, nil
	}
	if err := jobs.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	j.ResourceVersion, j.UID = "", "uid-stripped"
	if _, err := jobs.Create(ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func argsOf(t *testing.T, c *fake.Clientset, name string) []string {
	t.Helper()
	j, err := c.BatchV1().Jobs("ml").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return j.Spec.Template.Spec.Containers[0].Args
}

// TestResubmitFindsTheTrialsADefectiveRetryStripped is issue 19's: a Job
// that a retry re-created without its args keeps the file's spec hash, so
// a re-submit said "unchanged" and nothing repaired it. Submit now checks
// the retried trials in full, refuses naming them and what they lack, and
// --force re-creates them from the file (with the retry's memory).
func TestResubmitFindsTheTrialsADefectiveRetryStripped(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	file := oomFile(t, "busybox", "32Mi", "")
	if _, _, err := runSubmit(t, g, "-f", file); err != nil {
		t.Fatal(err)
	}
	hog := oomKill(t, c)
	runRetry(t, g, "oom")
	if got := argsOf(t, c, hog); len(got) != 1 || got[0] != "hog" {
		t.Fatalf("the retried trial's args = %q, want [hog]", got)
	}
	stripLikeIssue19(t, c, hog)

	writes := countWrites(c)
	_, _, err := runSubmit(t, g, "-f", file)
	for _, want := range []string{
		`1 trial(s) of experiment "oom" no longer run what ` + file + ` renders (` + hog + `)`,
		hog + ": spec.template.spec.containers[ml].args",
		"re-run with --force to delete and re-create them from the file",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant it to say %q", err, want)
		}
	}
	if got := countWrites(c); got != writes {
		t.Errorf("a refused submit wrote %d times", got-writes)
	}

	out, _, err := runSubmit(t, g, "-f", file, "--force")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "job.batch/"+hog+" replaced\n") || strings.Count(out, " unchanged\n") != 2 {
		t.Errorf("--force: want the stripped trial replaced, the others unchanged:\n%s", out)
	}
	if got := argsOf(t, c, hog); len(got) != 1 || got[0] != "hog" {
		t.Errorf("after --force the trial's args = %q, want [hog]", got)
	}
	if got := memoryOf(t, c, hog); got != "64Mi" {
		t.Errorf("after --force the trial has %s, want the retry's 64Mi", got)
	}

	// Repaired: unchanged, and with no retried trial left to check, one
	// List of Jobs as before.
	before := kubefake.Calls(c)["list jobs"]
	out, _, err = runSubmit(t, g, "-f", file)
	if err != nil || strings.Count(out, " unchanged\n") != 3 {
		t.Errorf("after the repair: %v\n%s", err, out)
	}
	if n := kubefake.Calls(c)["list jobs"] - before; n != 1 {
		t.Errorf("a submit without retried trials listed Jobs %d times, want 1", n)
	}
}

// TestResubmitAfterRetryChecksTheRetriedTrialsInFull: a retried trial is
// fetched whole (one more List, of it alone) and found to run the file.
func TestResubmitAfterRetryChecksTheRetriedTrialsInFull(t *testing.T) {
	c := newClient()
	g := &kubefake.Getter{NS: "ml", Client: c}
	file := oomFile(t, "busybox", "32Mi", "")
	if _, _, err := runSubmit(t, g, "-f", file); err != nil {
		t.Fatal(err)
	}
	hog := oomKill(t, c)
	runRetry(t, g, "oom")
	c.ClearActions()
	out, errOut, err := runSubmit(t, g, "-f", file)
	if err != nil || strings.Count(out, " unchanged\n") != 3 {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	want := []string{"mlexp.dev/experiment=oom,!mlexp.dev/role", "mlexp.dev/experiment=oom,!mlexp.dev/role,mlexp.dev/trial in (" + hog + ")"}
	var got []string
	for _, a := range c.Actions() {
		if l, ok := a.(k8stesting.ListAction); ok && a.GetResource().Resource == "jobs" {
			got = append(got, l.GetListRestrictions().Labels.String())
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lists of Jobs (-want +got):\n%s", diff)
	}
}

// TestSubmitHintsKeepTheUsersFlags: the commands submit suggests work
// when pasted: they keep -n, --context and --kubeconfig as given.
func TestSubmitHintsKeepTheUsersFlags(t *testing.T) {
	g := &kubefake.Getter{NS: "ux-toy", NSExplicit: true, Client: newClient(), Connection: []string{"--context", "kind-dev", "--kubeconfig", "/tmp/k"}}
	_, errOut, err := runSubmit(t, g, "-f", oomFile(t, "busybox", "32Mi", ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\n  kubectl mlexp status oom -w --context kind-dev --kubeconfig /tmp/k -n ux-toy\n",
		"\n  kubectl mlexp logs oom --all -f --context kind-dev --kubeconfig /tmp/k -n ux-toy\n",
		"\n  kubectl mlexp results oom --context kind-dev --kubeconfig /tmp/k -n ux-toy\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}
