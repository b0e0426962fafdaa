package logs

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// TestFollowRecordsMetrics: logs -f reads whole logs as trials finish, so
// it records what they report on their Jobs as results does, and a later
// results reads no log; a partial read (--tail, --since) or --no-record
// writes nothing.
func TestFollowRecordsMetrics(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		record bool
	}{
		{[]string{"-f"}, true},
		{[]string{"-f", "--tail", "1"}, false},
		{[]string{"-f", "--since", "1h"}, false},
		{[]string{"-f", "--no-record"}, false},
		{nil, false}, // not following: a read command
	} {
		c := fake.NewClientset(experiment()...)
		var out, errOut bytes.Buffer
		o := &Options{IOStreams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
			Getter: &kubefake.Getter{NS: "ns", Client: c}, OpenStream: fakeOpen}
		cmd := newCmd(o)
		cmd.SetArgs(append([]string{"mnist", "--all"}, tc.args...))
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, errOut.String())
		}
		var patches []string
		for _, a := range c.Actions() {
			if p, ok := a.(k8stesting.PatchAction); ok {
				patches = append(patches, p.GetName()+": "+string(p.GetPatch()))
			}
		}
		if !tc.record {
			if len(patches) != 0 {
				t.Errorf("%v: patches %v, want none", tc.args, patches)
			}
			continue
		}
		want := `{"metadata":{"annotations":{"` + keys.Results + `":"{\"source\":\"log\",\"pod\":\"mnist-0000000%d-x\",\"metrics\":{\"test_accuracy\":0.9}}"}}}`
		if len(patches) != 2 || !strings.Contains(strings.Join(patches, "\n"), strings.ReplaceAll(want, "%d", "0")) ||
			!strings.Contains(strings.Join(patches, "\n"), strings.ReplaceAll(want, "%d", "1")) {
			t.Errorf("%v: patches\n%s\nwant one per trial like\n%s", tc.args, strings.Join(patches, "\n"), want)
		}
		// What results then does: one List each of Jobs and pods, no log.
		reads := 0
		open := func(context.Context, string, string, string) (io.ReadCloser, error) {
			reads++
			return io.NopCloser(strings.NewReader("")), nil
		}
		exp, err := collect.Collect(context.Background(), collect.Options{Client: c, Namespace: "ns", Experiment: "mnist", OpenLog: open})
		if err != nil {
			t.Fatal(err)
		}
		if reads != 0 || exp.Items[0].Metrics["test_accuracy"] != 0.9 {
			t.Errorf("%v: results read %d logs, metrics %v; want none read, the record's", tc.args, reads, exp.Items[0].Metrics)
		}
		// Following again writes nothing: the records are there.
		c.ClearActions()
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, a := range c.Actions() {
			if _, ok := a.(k8stesting.PatchAction); ok {
				t.Errorf("%v: a second follow patched %s again", tc.args, a.(k8stesting.PatchAction).GetName())
			}
		}
	}
}
