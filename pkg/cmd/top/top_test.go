package top

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	k8stesting "k8s.io/client-go/testing"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

const (
	t1 = "mnist-00000001"
	t2 = "mnist-00000002"
	t3 = "mnist-00000003"
)

// experiment returns a busy running trial, a running trial without a
// sample yet, a pending trial and the node they run on.
func experiment() []runtime.Object {
	busy := runningPod(t1, "n1", rl("500m", "16Mi"), rl("1", "32Mi"))
	fresh := runningPod(t2, "n1", rl("500m", "16Mi"), rl("1", "32Mi"))
	return []runtime.Object{
		job(t1, 0, "0.1"), job(t2, 1, "0.01"), job(t3, 2, "0.001"),
		busy, fresh, pendingPod(t3),
		podUsage(busy, usageOf("ml", "998m", "12Mi")),
		node("n1", "2", "8Gi"), nodeUsage("n1", "1500m", "2Gi"),
	}
}

func run(t *testing.T, g *fakeGetter, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmdTop(g, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestTopTable(t *testing.T) {
	const table = `TRIAL            LR     CPU(cores)   CPU%LIMIT   MEMORY(bytes)   MEMORY%LIMIT   REQUESTS     LIMITS       NODE
mnist-00000001   0.1    998m         99%         12Mi            37%            500m/16Mi    1000m/32Mi   n1
mnist-00000002   0.01   <pending>    <pending>   <pending>       <pending>      500m/16Mi    1000m/32Mi   n1
TOTAL                   998m         -           12Mi            -              1000m/32Mi   2000m/64Mi   1 node
3 trials: 2 running, 1 pending
`
	const nodes = `
NODE   TRIALS   CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%
n1     2        1500m        75%    2048Mi          25%
`
	const noSample = "metrics-server has no sample yet for 1 running trial (it scrapes every ~15s)\n"
	withSecond := func() []runtime.Object {
		objs := experiment()
		return append(objs[:len(objs)-2], podUsage(objs[4].(*corev1.Pod), usageOf("ml", "100m", "30Mi")),
			node("n1", "2", "8Gi"), nodeUsage("n1", "1500m", "2Gi"))
	}
	tests := map[string]struct {
		args    []string
		objs    []runtime.Object
		react   func(g *fakeGetter)
		wantOut string
		wantErr string
	}{
		"trial order with a total, nodes and a note for the missing sample": {
			args:    []string{"mnist"},
			objs:    experiment(),
			wantOut: table + nodes,
			wantErr: noSample,
		},
		"sorted by memory limit percent, nearest first": {
			args: []string{"mnist", "--sort-by", "memory-limit-percent", "--no-headers"},
			objs: withSecond(),
			wantOut: `mnist-00000002   0.01   100m    10%   30Mi   93%   500m/16Mi    1000m/32Mi   n1
mnist-00000001   0.1    998m    99%   12Mi   37%   500m/16Mi    1000m/32Mi   n1
TOTAL                   1098m   54%   42Mi   65%   1000m/32Mi   2000m/64Mi   1 node
3 trials: 2 running, 1 pending

n1    2     1500m   75%   2048Mi   25%
`,
		},
		"one row per container": {
			args: []string{"mnist", "--containers"},
			objs: withSecond(),
			wantOut: `TRIAL            CONTAINER   LR     CPU(cores)   CPU%LIMIT   MEMORY(bytes)   MEMORY%LIMIT   REQUESTS     LIMITS       NODE
mnist-00000001   ml          0.1    998m         99%         12Mi            37%            500m/16Mi    1000m/32Mi   n1
mnist-00000002   ml          0.01   100m         10%         30Mi            93%            500m/16Mi    1000m/32Mi   n1
TOTAL                               1098m        54%         42Mi            65%            1000m/32Mi   2000m/64Mi   1 node
3 trials: 2 running, 1 pending
` + nodes,
		},
		"nodes forbidden: one note, no nodes table": {
			args: []string{"mnist"},
			objs: experiment(),
			react: func(g *fakeGetter) {
				g.kube.PrependReactor("list", "nodes", forbid("nodes"))
				g.metrics.PrependReactor("list", "nodes", forbid("nodes.metrics.k8s.io"))
			},
			wantOut: table,
			wantErr: noSample + `nodes not shown: nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope` + "\n",
		},
		"node metrics missing: nodes without usage": {
			args:  []string{"mnist"},
			objs:  experiment(),
			react: func(g *fakeGetter) { g.metrics.PrependReactor("list", "nodes", forbid("nodes.metrics.k8s.io")) },
			wantOut: table + `
NODE   TRIALS   CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%
n1     2        <unknown>    -      <unknown>       -
`,
			wantErr: noSample + `node usage not shown: nodes.metrics.k8s.io is forbidden: User "alice" cannot list resource "nodes.metrics.k8s.io" in API group "" at the cluster scope` + "\n",
		},
		"no running trial": {
			args:    []string{"mnist"},
			objs:    []runtime.Object{job(t3, 0, "1"), pendingPod(t3)},
			wantErr: "No running trials in experiment mnist (1 trial: 1 pending).\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := newGetter(tc.objs...)
			if tc.react != nil {
				tc.react(g)
			}
			out, errOut, err := run(t, g, tc.args...)
			if err != nil {
				t.Fatalf("top: %v", err)
			}
			if diff := cmp.Diff(tc.wantOut, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantErr, errOut); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

func forbid(resource string) k8stesting.ReactionFunc {
	return func(k8stesting.Action) (bool, runtime.Object, error) {
		err := apierrors.NewForbidden(schema.GroupResource{Resource: resource}, "", nil)
		err.ErrStatus.Message = `` + resource + ` is forbidden: User "alice" cannot list resource "` + resource + `" in API group "" at the cluster scope`
		return true, nil, err
	}
}

func TestTopErrors(t *testing.T) {
	fail := func(err error) func(g *fakeGetter) {
		return func(g *fakeGetter) {
			g.metrics.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, err })
		}
	}
	gr := schema.GroupResource{Group: "metrics.k8s.io", Resource: "pods"}
	tests := map[string]struct {
		args  []string
		objs  []runtime.Object
		react func(g *fakeGetter)
		want  string
	}{
		"no APIService: 404": {
			args:  []string{"mnist"},
			objs:  experiment(),
			react: fail(apierrors.NewGenericServerResponse(404, "get", gr, "", "", 0, true)),
			want:  `metrics API not available: is metrics-server running? (the server could not find the requested resource (get pods.metrics.k8s.io))`,
		},
		"metrics-server down: 503": {
			args:  []string{"mnist"},
			objs:  experiment(),
			react: fail(apierrors.NewServiceUnavailable("the server is currently unable to handle the request (get pods.metrics.k8s.io)")),
			want:  `metrics API not available: is metrics-server running? (the server is currently unable to handle the request (get pods.metrics.k8s.io))`,
		},
		"forbidden is not unavailable": {
			args:  []string{"mnist"},
			objs:  experiment(),
			react: fail(apierrors.NewForbidden(gr, "", nil)),
			want:  `metrics are forbidden: you may not list pods.metrics.k8s.io in namespace "ns" (kubectl auth can-i list pods.metrics.k8s.io -n ns)`,
		},
		"no such experiment": {
			args: []string{"other"},
			objs: experiment(),
			want: `experiment "other" not found in namespace "ns" (no Jobs with label mlexp.dev/experiment=other)`,
		},
		"bad sort key": {
			args: []string{"mnist", "--sort-by", "name"},
			want: `--sort-by: unknown key "name" (allowed: [cpu memory memory-limit-percent cpu-limit-percent])`,
		},
		"bad output": {
			args: []string{"mnist", "-o", "wide"},
			want: `--output: unknown format "wide" (allowed: json, yaml, jsonpath=, jsonpath-file=, jsonpath-as-json=, go-template=, go-template-file=, custom-columns=, custom-columns-file=)`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := newGetter(tc.objs...)
			if tc.react != nil {
				tc.react(g)
			}
			out, _, err := run(t, g, tc.args...)
			if err == nil {
				t.Fatalf("top: no error; stdout:\n%s", out)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTopCalls pins the number of API calls of one top: Jobs, pods, pod
// metrics, nodes and node metrics, one List each.
func TestTopCalls(t *testing.T) {
	g := newGetter(experiment()...)
	if _, _, err := run(t, g, "mnist"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range g.kube.Actions() {
		got = append(got, a.GetVerb()+" "+a.GetResource().Resource)
	}
	for _, a := range g.metrics.Actions() {
		got = append(got, a.GetVerb()+" "+a.GetResource().GroupResource().String())
	}
	sort.Strings(got)
	want := []string{"list jobs", "list nodes", "list nodes.metrics.k8s.io", "list pods", "list pods.metrics.k8s.io"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("API calls (-want +got):\n%s", diff)
	}
}

func TestTopJSON(t *testing.T) {
	out, _, err := run(t, newGetter(experiment()...), "mnist", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Experiment string         `json:"experiment"`
		Summary    map[string]int `json:"summary"`
		Trials     []struct {
			Trial              string   `json:"name"`
			Pod                string   `json:"pod"`
			MemoryLimitPercent *float64 `json:"memoryLimitPercent"`
			Usage              *struct {
				CPU int64 `json:"cpuMillicores"`
			} `json:"usage"`
		} `json:"items"`
		Total struct {
			NoSample int `json:"noSample"`
		} `json:"total"`
		Nodes []struct {
			Name string `json:"name"`
		} `json:"nodes"`
		Notes []string `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in:\n%s", err, out)
	}
	if got.Experiment != "mnist" || got.Summary["running"] != 2 || got.Summary["pending"] != 1 ||
		len(got.Trials) != 2 || got.Trials[0].Usage == nil || got.Trials[0].Usage.CPU != 998 ||
		got.Trials[0].MemoryLimitPercent == nil || *got.Trials[0].MemoryLimitPercent != 37.5 ||
		got.Trials[1].Usage != nil || got.Total.NoSample != 1 || len(got.Nodes) != 1 || len(got.Notes) != 1 {
		t.Errorf("unexpected JSON:\n%s", out)
	}
}

// TestTopWatch refreshes a piped table until the trials finish.
func TestTopWatch(t *testing.T) {
	g := newGetter(experiment()...)
	var out, errOut kubefake.SyncBuffer
	o := &Options{
		IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut},
		Getter:    g, Watch: true, Interval: 20 * time.Millisecond, Print: common.PrintFlags{NoHeaders: true},
		IsTerminal: func(io.Writer) bool { return false },
	}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	waitFor(t, func() bool { return strings.Count(out.String(), "TOTAL") >= 2 })
	// Every trial finishes: the watch prints a last frame and ends.
	for _, name := range []string{t1, t2, t3} {
		j := job(name, 0, "1")
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
		if _, err := g.kube.BatchV1().Jobs("ns").Update(ctx, j, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("watch did not end when every trial finished")
	}
	frames := strings.Split(out.String(), "\n\n")
	if len(frames) < 2 {
		t.Fatalf("want successive frames separated by a blank line, got:\n%s", out.String())
	}
	if !strings.HasPrefix(frames[0], "mnist-00000001   0.1    998m") {
		t.Errorf("first frame:\n%s", frames[0])
	}
	if n := strings.Count(errOut.String(), "no sample yet"); n != 1 {
		t.Errorf("an unchanged note is printed once when piped, got %d times:\n%s", n, errOut.String())
	}
	if !strings.HasSuffix(errOut.String(), "No running trials in experiment mnist (3 trials: 3 succeeded).\n") {
		t.Errorf("stderr does not end with the final summary:\n%s", errOut.String())
	}
}

// TestTopWatchQuietWhileNothingRuns: piped, a watch over trials that are all
// pending says "No running trials" once, not at every refresh, and prints
// no empty frames; it says it again when the counts change.
func TestTopWatchQuietWhileNothingRuns(t *testing.T) {
	g := newGetter(job(t3, 2, "0.001"), pendingPod(t3), node("n1", "2", "8Gi"))
	var out, errOut kubefake.SyncBuffer
	o := &Options{
		IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: &errOut},
		Getter:    g, Watch: true, Interval: 10 * time.Millisecond,
		IsTerminal: func(io.Writer) bool { return false },
	}
	if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	frames := func() int {
		n := 0
		for _, a := range g.metrics.Actions() {
			if a.GetVerb() == "list" && a.GetResource().Resource == "pods" {
				n++
			}
		}
		return n
	}
	waitFor(t, func() bool { return frames() >= 5 })
	j := job(t3, 2, "0.001")
	j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	if _, err := g.kube.BatchV1().Jobs("ns").Update(ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := "No running trials in experiment mnist (1 trial: 1 pending).\n" +
		"No running trials in experiment mnist (1 trial: 1 succeeded).\n"
	if errOut.String() != want {
		t.Errorf("stderr after %d refreshes:\n%s\nwant:\n%s", frames(), errOut.String(), want)
	}
	if out.String() != "" {
		t.Errorf("stdout has %q, want nothing: no trial ran", out.String())
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTopPrinters(t *testing.T) {
	out, _, err := run(t, newGetter(experiment()...), "mnist", "-o", "jsonpath={.kind}: {.items[*].name}")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "TrialUsageList: mnist-") || strings.Count(out, "mnist-") != 2 {
		t.Errorf("jsonpath: %q, want the two running trials", out)
	}
	out, _, err = run(t, newGetter(experiment()...), "mnist", "--sort-by", ".usage.cpuMillicores", "-o", "custom-columns=CPU:.usage.cpuMillicores", "--no-headers")
	if err != nil {
		t.Fatal(err)
	}
	if out != "<none>\n998\n" {
		t.Errorf("--sort-by a JSONPath: %q, want the trial without a sample first", out)
	}
}

// TestTopRecord checks that --record writes the peak of the sampled trial
// only, and that top writes nothing without it.
func TestTopRecord(t *testing.T) {
	patches := func(g *fakeGetter) []string {
		var out []string
		for _, a := range g.kube.Actions() {
			if p, ok := a.(k8stesting.PatchAction); ok {
				out = append(out, p.GetName()+": "+string(p.GetPatch()))
			}
		}
		return out
	}
	g := newGetter(experiment()...)
	if _, _, err := run(t, g, "mnist"); err != nil {
		t.Fatal(err)
	}
	if p := patches(g); len(p) != 0 {
		t.Errorf("top without --record patched: %v", p)
	}
	g = newGetter(experiment()...)
	if _, _, err := run(t, g, "mnist", "--record"); err != nil {
		t.Fatal(err)
	}
	want := []string{t1 + `: {"metadata":{"annotations":{"mlexp.dev/peak-usage":"{\"cpuMillicores\":998,\"memoryBytes\":12582912,\"samples\":1}"}}}`}
	if diff := cmp.Diff(want, patches(g)); diff != "" {
		t.Errorf("patches (-want +got):\n%s", diff)
	}
}

// TestTopShowLabels: --show-labels adds each trial's Job labels as the last
// column, on trial rows and on container rows, and not on TOTAL.
func TestTopShowLabels(t *testing.T) {
	for _, args := range [][]string{{"mnist", "--show-labels"}, {"mnist", "--show-labels", "--containers"}} {
		out, _, err := run(t, newGetter(experiment()...), args...)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(out, "\n")
		if h := strings.Fields(lines[0]); h[len(h)-1] != "LABELS" {
			t.Errorf("%v: header %q does not end with LABELS", args, lines[0])
		}
		for i, name := range []string{t1, t2} {
			if want := "   mlexp.dev/experiment=mnist,mlexp.dev/trial=" + name; !strings.HasSuffix(lines[i+1], want) {
				t.Errorf("%v: row %q does not end with %q", args, lines[i+1], want)
			}
		}
		if total := lines[3]; !strings.HasPrefix(total, "TOTAL") || strings.Contains(total, "mlexp.dev") {
			t.Errorf("%v: TOTAL row %q", args, total)
		}
	}
}
