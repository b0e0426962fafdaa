package delete

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func objects() (*fake.Clientset, []string) {
	meta := func(name, exp string) metav1.ObjectMeta {
		m := metav1.ObjectMeta{Name: name, Namespace: "ml", Labels: map[string]string{}}
		if exp != "" {
			m.Labels[keys.Experiment] = exp
		}
		return m
	}
	c := fake.NewClientset(
		&batchv1.Job{ObjectMeta: meta("a-1", "a")}, &batchv1.Job{ObjectMeta: meta("a-2", "a")},
		&batchv1.Job{ObjectMeta: meta("b-1", "b")}, &batchv1.Job{ObjectMeta: meta("other", "")},
		&corev1.Pod{ObjectMeta: meta("a-1-x", "a")}, &corev1.Pod{ObjectMeta: meta("b-1-x", "b")},
	)
	kubefake.AllowAll(c)
	return c, []string{"a-1", "a-2"}
}

func run(t *testing.T, c *fake.Clientset, args ...string) (string, error) {
	t.Helper()
	var errOut bytes.Buffer
	return runErr(t, c, &errOut, args...)
}

func runErr(t *testing.T, c *fake.Clientset, errOut io.Writer, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := NewCmdDelete(&kubefake.Getter{NS: "ml", Client: c}, genericiooptions.IOStreams{Out: &out, ErrOut: errOut})
	cmd.SetArgs(args)
	cmd.SetOut(errOut)
	cmd.SetErr(errOut)
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func names(t *testing.T, c *fake.Clientset) string {
	t.Helper()
	jobs, err := c.BatchV1().Jobs("ml").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pods, err := c.CoreV1().Pods("ml").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, j := range jobs.Items {
		n = append(n, j.Name)
	}
	for _, p := range pods.Items {
		n = append(n, p.Name)
	}
	return strings.Join(n, ",")
}

func TestDeleteOnlyThatExperiment(t *testing.T) {
	c, _ := objects()
	// The fake clientset does not apply DeleteCollection; check the calls'
	// selectors here, the deletion itself runs in the e2e suite.
	out, err := run(t, c, "a", "--wait=false")
	if err != nil {
		t.Fatal(err)
	}
	if want := "job.batch \"a-1\" deleted\njob.batch \"a-2\" deleted\n"; out != want {
		t.Errorf("output = %q, want %q", out, want)
	}
	var got []string
	for _, a := range c.Actions() {
		if dc, ok := a.(k8stesting.DeleteCollectionAction); ok && a.GetVerb() == "delete-collection" {
			got = append(got, dc.GetResource().Resource+" "+dc.GetListRestrictions().Labels.String())
		}
	}
	if want := []string{"jobs mlexp.dev/experiment=a,!mlexp.dev/role", "pods mlexp.dev/experiment=a,!mlexp.dev/role"}; strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("delete collections = %q, want %q", got, want)
	}
}

func TestDeleteDryRunClientDeletesNothing(t *testing.T) {
	c, _ := objects()
	out, err := run(t, c, "a", "--dry-run=client", "-o", "name")
	if err != nil {
		t.Fatal(err)
	}
	if want := "job.batch/a-1\njob.batch/a-2\n"; out != want {
		t.Errorf("output = %q, want %q", out, want)
	}
	if got, want := names(t, c), "a-1,a-2,b-1,other,a-1-x,b-1-x"; got != want {
		t.Errorf("left = %s, want %s", got, want)
	}
}

func TestDeleteMissingExperiment(t *testing.T) {
	c, _ := objects()
	if _, err := run(t, c, "zzz"); err == nil || !strings.Contains(err.Error(), `experiment "zzz" not found in namespace "ml"`) {
		t.Errorf("err = %v", err)
	}
	if _, err := run(t, c, "zzz", "--ignore-not-found"); err != nil {
		t.Errorf("--ignore-not-found: err = %v", err)
	}
	if _, err := run(t, c, "a", "--dry-run=maybe"); err == nil || !strings.Contains(err.Error(), "--dry-run") {
		t.Errorf("bad --dry-run: err = %v", err)
	}
}

// TestDeleteChecksAccessFirst: a user who may delete Jobs but not pods
// deletes nothing, and is told which verb on which resource is missing.
func TestDeleteChecksAccessFirst(t *testing.T) {
	c, _ := objects()
	kubefake.Authorize(c, func(ra authorizationv1.ResourceAttributes) bool { return ra.Resource == "jobs" })
	before := names(t, c)
	_, err := run(t, c, "a")
	want := `you may not deletecollection pods in namespace "ml" (kubectl auth can-i deletecollection pods -n ml)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if after := names(t, c); after != before {
		t.Errorf("Jobs %s after a denied delete, want %s", after, before)
	}
	for _, a := range c.Actions() {
		if a.GetVerb() == "deletecollection" || a.GetVerb() == "delete" {
			t.Errorf("denied delete sent %s %s", a.GetVerb(), a.GetResource().Resource)
		}
	}
}

// TestDeleteOutput: -o goes through the PrintFlags every writing verb
// has: name prints the Jobs' names, json the Jobs deleted as one List,
// jsonpath a template over it; a bad -o fails before any request.
func TestDeleteOutput(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"name":     {[]string{"-o", "name"}, "job.batch/a-1\njob.batch/a-2\n"},
		"jsonpath": {[]string{"-o", "jsonpath={.items[*].metadata.name} {.items[0].kind}"}, "a-1 a-2 Job"},
		"json":     {[]string{"-o", "json"}, "\"kind\": \"List\""},
		"yaml":     {[]string{"-o", "yaml"}, "kind: Job\nmetadata:\n  labels:\n    mlexp.dev/experiment: a\n  name: a-1\n"},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := objects()
			out, err := run(t, c, append([]string{"a", "--wait=false"}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output = %q, want it to hold %q", out, tc.want)
			}
		})
	}
	c, _ := objects()
	if _, err := run(t, c, "a", "-o", "wide"); err == nil || !strings.Contains(err.Error(), `--output: unknown format "wide"`) {
		t.Errorf("-o wide: err = %v", err)
	}
	if n := len(c.Actions()); n != 0 {
		t.Errorf("a bad -o sent %d requests", n)
	}
}
