package collect

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// logServer answers pods/log GETs of a fake clientset with log, honouring
// tailLines and limitBytes as the kubelet does, and keeps every request's
// options.
type logServer struct {
	log  string
	reqs []corev1.PodLogOptions
}

func (s *logServer) react(a k8stesting.Action) (bool, runtime.Object, error) {
	g, ok := a.(k8stesting.GenericAction)
	if !ok || a.GetSubresource() != "log" {
		return false, nil, nil
	}
	opts := g.GetValue().(*corev1.PodLogOptions)
	s.reqs = append(s.reqs, *opts)
	out := s.log
	if opts.TailLines != nil {
		lines := strings.SplitAfter(strings.TrimSuffix(out, "\n"), "\n")
		if n := int(*opts.TailLines); n < len(lines) {
			lines = lines[len(lines)-n:]
		}
		out = strings.Join(lines, "") + "\n"
	}
	if opts.LimitBytes != nil && int64(len(out)) > *opts.LimitBytes {
		out = out[int64(len(out))-*opts.LimitBytes:]
	}
	return true, &runtime.Unknown{Raw: []byte(out)}, nil
}

// lines returns n numbered lines of the loss at each epoch.
func lines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "epoch %d loss: 0.%03d\n", i+1, 999-i)
	}
	return b.String()
}

// TestTailRead pins the requests of results' log reads: the tail
// (tailLines, limitBytes) of a finished trial whose file names its
// metrics, and the whole log when the tail does not stand for it.
func TestTailRead(t *testing.T) {
	named := `{"metric":"Test accuracy","columns":["loss"]}`
	long := lines(300) + "Test accuracy: 0.91\n"
	// The last TailBytes bytes of wide start inside "Test accuracy: 0.7",
	// with "racy: 0.7": a line whose start limitBytes cut away.
	end := "Test accuracy: 0.92 loss: 0.1\n"
	fill := int(TailBytes) - len("racy: 0.7\n") - len(end)
	wide := lines(10) + "Test accuracy: 0.7\n" + strings.Repeat(strings.Repeat("x", 9999)+"\n", fill/10000) + strings.Repeat("y", fill%10000-1) + "\n" + end
	cases := map[string]struct {
		spec, log, state string
		refresh, noTail  bool
		wantTail         []bool // per request: tailLines asked
		wantAcc          float64
		wantCurve        bool
		wantNo           string // a metric that must not be read
	}{
		"tail stands for the log":      {spec: named, log: long, state: "ok", wantTail: []bool{true}, wantAcc: 0.91},
		"short log is whole":           {spec: named, log: "loss: 0.5\nloss: 0.4\nTest accuracy: 0.9\n", state: "ok", wantTail: []bool{true}, wantAcc: 0.9, wantCurve: true},
		"metric before the tail":       {spec: named, log: "Test accuracy: 0.8\n" + lines(300), state: "ok", wantTail: []bool{true, false}, wantAcc: 0.8, wantCurve: true},
		"file names no metric":         {spec: `{"goal":"maximize"}`, log: long, state: "ok", wantTail: []bool{false}, wantAcc: 0.91, wantCurve: true},
		"running trial":                {spec: named, log: long, state: "", wantTail: []bool{false}, wantAcc: 0.91, wantCurve: true},
		"refresh":                      {spec: named, log: long, state: "ok", refresh: true, wantTail: []bool{false}, wantAcc: 0.91, wantCurve: true},
		"not asked for":                {spec: named, log: long, state: "ok", noTail: true, wantTail: []bool{false}, wantAcc: 0.91, wantCurve: true},
		"limitBytes cuts a first line": {spec: named, log: wide, state: "ok", wantTail: []bool{true}, wantAcc: 0.92, wantNo: "racy"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			phase := corev1.PodSucceeded
			if tc.state == "" {
				phase = corev1.PodRunning
			}
			c := fake.NewClientset(job("a", 0, `{}`, tc.state, map[string]string{ranking.SpecAnnotation: tc.spec}), pod("a", phase, ""))
			srv := &logServer{log: tc.log}
			c.PrependReactor("get", "pods", srv.react)
			exp, err := Collect(context.Background(), Options{Client: c, Namespace: "ml", Experiment: "mnist", Refresh: tc.refresh, Tail: !tc.noTail})
			if err != nil {
				t.Fatal(err)
			}
			var gotTail []bool
			for _, r := range srv.reqs {
				gotTail = append(gotTail, r.TailLines != nil)
				if r.TailLines != nil && (*r.TailLines != TailLines || r.LimitBytes == nil || *r.LimitBytes != TailBytes) {
					t.Errorf("tail request %+v, want tailLines %d and limitBytes %d", r, TailLines, TailBytes)
				}
				if r.TailLines == nil && r.LimitBytes != nil {
					t.Errorf("whole-log request with limitBytes %d", *r.LimitBytes)
				}
				if r.Container != "ml" {
					t.Errorf("request of container %q", r.Container)
				}
			}
			if fmt.Sprint(gotTail) != fmt.Sprint(tc.wantTail) {
				t.Errorf("requests with tailLines: %v, want %v", gotTail, tc.wantTail)
			}
			it := exp.Items[0]
			if it.Metrics["test_accuracy"] != tc.wantAcc || it.Source != ranking.SourceLog || !it.Fresh {
				t.Errorf("metrics %v from %q (fresh %v), want test_accuracy %v read now", it.Metrics, it.Source, it.Fresh, tc.wantAcc)
			}
			if got := len(it.Curves["loss"]) > 0; got != tc.wantCurve {
				t.Errorf("loss curve %v, want one: %v", it.Curves["loss"], tc.wantCurve)
			}
			if _, ok := it.Metrics[tc.wantNo]; tc.wantNo != "" && ok {
				t.Errorf("metric %s read from a line cut by limitBytes: %v", tc.wantNo, it.Metrics)
			}
		})
	}
}
