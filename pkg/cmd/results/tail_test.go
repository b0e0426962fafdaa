package results

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// TestResultsReadsLogsOnce pins results' log reads through the API
// server: the first results of a finished trial whose file names its
// metric reads only the log's tail (tailLines, limitBytes), -o json
// (which prints curves) the whole log, and once the metrics are recorded
// on the Job no log is read again.
func TestResultsReadsLogsOnce(t *testing.T) {
	var log strings.Builder
	for i := range 500 {
		fmt.Fprintf(&log, "step %d loss: 0.5\n", i)
	}
	log.WriteString("Test accuracy: 0.93\n")
	for _, tc := range []struct {
		args []string
		tail bool
	}{{nil, true}, {[]string{"-o", "json"}, false}} {
		c := fake.NewClientset(job("mnist-aaaa", 0, `{}`, "ok", map[string]string{ranking.SpecAnnotation: `{"metric":"test_accuracy"}`}),
			pod("mnist-aaaa", corev1.PodSucceeded, ""))
		var reqs []corev1.PodLogOptions
		c.PrependReactor("get", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
			if a.GetSubresource() != "log" {
				return false, nil, nil
			}
			opts := *a.(k8stesting.GenericAction).GetValue().(*corev1.PodLogOptions)
			reqs = append(reqs, opts)
			out := log.String()
			if opts.TailLines != nil {
				all := strings.SplitAfter(out, "\n")
				out = strings.Join(all[len(all)-1-int(*opts.TailLines):], "")
			}
			return true, &runtime.Unknown{Raw: []byte(out)}, nil
		})
		out, _ := run(t, c, nil, tc.args...)
		if !strings.Contains(out, "0.93") {
			t.Errorf("%v: no test_accuracy in\n%s", tc.args, out)
		}
		if len(reqs) != 1 || (reqs[0].TailLines != nil) != tc.tail {
			t.Fatalf("%v: log requests %+v, want one, with tailLines: %v", tc.args, reqs, tc.tail)
		}
		if tc.tail && (*reqs[0].TailLines != collect.TailLines || reqs[0].LimitBytes == nil || *reqs[0].LimitBytes != collect.TailBytes) {
			t.Errorf("tail request %+v, want tailLines %d, limitBytes %d", reqs[0], collect.TailLines, collect.TailBytes)
		}
		if p := patches(c); len(p) != 1 || !strings.Contains(p[0], keys.Results) {
			t.Errorf("%v: patches %v, want the record", tc.args, p)
		}
		reqs = nil
		if out, _ := run(t, c, nil, tc.args...); len(reqs) != 0 || !strings.Contains(out, "0.93") {
			t.Errorf("%v: second results read logs %+v (want none: recorded), printed\n%s", tc.args, reqs, out)
		}
	}
}
