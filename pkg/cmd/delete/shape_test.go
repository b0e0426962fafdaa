package delete

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// TestDeleteReadsMetadataOnly pins what delete reads: its selection
// (names, labels, parameters) and its wait for the objects to go list
// Jobs and pods as metadata only; only --failed reads whole Jobs, once,
// for their state. A regression to full Lists fails here.
func TestDeleteReadsMetadataOnly(t *testing.T) {
	for name, tc := range map[string]struct {
		args      []string
		fullLists int
	}{
		"whole experiment": {[]string{"x"}, 0},
		"--param-selector": {[]string{"x", "--param-selector", "act=relu"}, 0},
		"--trial":          {[]string{"x", "--trial", "bbbbbbbb"}, 0},
		"--failed":         {[]string{"x", "--failed"}, 1},
	} {
		t.Run(name, func(t *testing.T) {
			c := twoExperiments()
			// The fake does not run DeleteCollection: remove what it selects.
			c.PrependReactor("delete-collection", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
				dc := a.(k8stesting.DeleteCollectionAction)
				gvr := a.GetResource()
				kind := map[string]string{"jobs": "Job", "pods": "Pod"}[gvr.Resource]
				l, err := c.Tracker().List(gvr, gvr.GroupVersion().WithKind(kind), a.GetNamespace())
				if err != nil {
					return true, nil, err
				}
				items, err := meta.ExtractList(l)
				if err != nil {
					return true, nil, err
				}
				for _, o := range items {
					m, _ := meta.Accessor(o)
					if dc.GetListRestrictions().Labels.Matches(k8slabels.Set(m.GetLabels())) {
						if err := c.Tracker().Delete(gvr, a.GetNamespace(), m.GetName()); err != nil {
							return true, nil, err
						}
					}
				}
				return true, nil, nil
			})
			mc := kubefake.WithMetadata(c)
			var out, errOut strings.Builder
			cmd := NewCmdDelete(&kubefake.Getter{NS: "ml", Client: mc}, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
			cmd.SetArgs(tc.args)
			if err := cmd.Execute(); err != nil {
				t.Fatalf("%v\n%s", err, errOut.String())
			}
			lists := 0
			for _, a := range c.Actions() {
				if r := a.GetResource().Resource; a.GetVerb() == "list" && (r == "jobs" || r == "pods") {
					lists++
				}
			}
			metaLists := mc.Lists("jobs") + mc.Lists("pods")
			// One List of Jobs to select, one each of Jobs and pods that
			// finds them gone.
			if lists != 3 || lists-metaLists != tc.fullLists {
				t.Errorf("%d Lists of Jobs and pods, %d of them metadata-only; want 3 with %d full",
					lists, metaLists, tc.fullLists)
			}
			if !strings.Contains(out.String(), "deleted") {
				t.Errorf("nothing deleted:\n%s", out.String())
			}
		})
	}
}
