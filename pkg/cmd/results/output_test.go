package results

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
)

func TestResultsInAPipeHasNoBarsUnlessAsked(t *testing.T) {
	c, l := experiment()
	out, _ := runOn(t, false, c, l, "--no-record")
	if strings.ContainsAny(out, "█▏…") {
		t.Errorf("bars in a pipe:\n%s", out)
	}
	out, _ = runOn(t, false, c, l, "--no-record", "--chart")
	if !strings.Contains(out, "0 … 0.9812") || !strings.Contains(out, "████") {
		t.Errorf("--chart in a pipe draws no bars:\n%s", out)
	}
}

func TestResultsPrinters(t *testing.T) {
	c, l := experiment()
	out, _ := runOn(t, false, c, l, "--no-record", "-o", "custom-columns=NAME:.name,RANK:.rank,ACC:.metrics.test_accuracy,DROPOUT:.params.dropout")
	want := "NAME         RANK     ACC      DROPOUT\n" +
		"mnist-bbbb   1        0.9812   0.2\n" +
		"mnist-dddd   2        0.95     0.4\n" +
		"mnist-aaaa   3        0.9012   0.3\n" +
		"mnist-cccc   <none>   <none>   0.5\n" +
		"mnist-eeee   <none>   <none>   0.7\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("custom-columns (-want +got):\n%s", diff)
	}
	out, _ = runOn(t, false, c, l, "--no-record", "-o", "jsonpath={.kind} {.best} {.items[*].name}")
	if want := "ResultList mnist-bbbb mnist-bbbb mnist-dddd mnist-aaaa mnist-cccc mnist-eeee"; out != want {
		t.Errorf("jsonpath: %q, want %q", out, want)
	}
	out, _ = runOn(t, false, c, l, "--no-record", "--param-selector", "activation!=relu", "--trial", "bbbb", "-o", "jsonpath={.items[*].name}")
	if want := "mnist-bbbb"; out != want {
		t.Errorf("--param-selector and --trial: %q, want %q", out, want)
	}
}

func TestResultsUnknownParameter(t *testing.T) {
	c, l := experiment()
	var out, errOut bytes.Buffer
	o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, Getter: getter{c}, MaxRequests: DefaultMaxRequests,
		OpenLog: l.open, IsTerminal: func(io.Writer) bool { return false }}
	cmd := &cobra.Command{}
	o.AddFlags(cmd)
	if err := cmd.Flags().Parse([]string{"--no-record", "--param-selector", "dropuot!=0.2"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	err := o.Run(context.Background())
	want := `--param-selector: experiment "mnist" has no parameter "dropuot" (did you mean "dropout"?); its parameters: activation, dropout`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if out.Len() != 0 {
		t.Errorf("printed results for a selector that names no parameter:\n%s", out.String())
	}
}

func TestResultsProgressInAPipeIsOneLine(t *testing.T) {
	var objs []runtime.Object
	l := &logs{text: map[string]string{}}
	for i := range 60 {
		name := fmt.Sprintf("mnist-%04d", i)
		objs = append(objs, job(name, i, `{"i":1}`, "ok", nil), pod(name, corev1.PodSucceeded, ""))
		l.text[name+"-x"] = fmt.Sprintf("Test accuracy: 0.%02d\n", i)
	}
	_, errOut := runOn(t, false, fake.NewClientset(objs...), l, "--no-record")
	if !strings.HasPrefix(errOut, "reading logs: 60/60 in ") || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "\r") {
		t.Errorf("stderr %q, want one summary line", errOut)
	}
}

// TestResultsShowLabels: --show-labels adds each trial's Job labels as the
// last column of the table, and -o json carries them as items[].labels.
func TestResultsShowLabels(t *testing.T) {
	c, l := experiment()
	out, _ := runOn(t, false, c, l, "--no-record", "--show-labels", "--trial", "bbbb")
	lines := strings.Split(out, "\n")
	if h := strings.Fields(lines[0]); h[len(h)-1] != "LABELS" {
		t.Errorf("header %q does not end with LABELS", lines[0])
	}
	if !strings.HasSuffix(lines[1], "   mlexp.dev/experiment=mnist,mlexp.dev/trial=mnist-bbbb") {
		t.Errorf("row %q does not end with the Job's labels", lines[1])
	}
	out, _ = runOn(t, false, c, l, "--no-record", "--trial", "bbbb", "-o", "jsonpath={.items[0].labels.mlexp\\.dev/trial}")
	if out != "mnist-bbbb" {
		t.Errorf("jsonpath of items[0].labels: %q, want mnist-bbbb", out)
	}
}
