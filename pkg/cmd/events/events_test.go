package events

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	kubefake "k8s.io/client-go/kubernetes/fake"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	mlexpfake "github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// fakeGetter is a kube.Getter over a fake clientset.
type fakeGetter struct {
	kube *kubefake.Clientset
}

func (g *fakeGetter) Namespace() (string, error)                         { return "ns", nil }
func (g *fakeGetter) KubernetesClientSet() (kubernetes.Interface, error) { return g.kube, nil }
func (g *fakeGetter) MetricsClientSet() (metricsclientset.Interface, error) {
	panic("events needs no metrics")
}
func (g *fakeGetter) DynamicClient() (dynamic.Interface, error) {
	panic("events needs no dynamic client: Workloads' events are matched by name")
}

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

const (
	t1 = "mnist-00000001"
	t2 = "mnist-00000002"
	t3 = "mnist-00000003"
)

func job(name string) *batchv1.Job { return mlexpfake.Job("ns", "mnist", name) }

func pod(name, trialName string) *corev1.Pod { return mlexpfake.Pod("ns", "mnist", trialName, name) }

var uid int

// oldEvent is an event as old-style reporters (the Job controller) write it.
func oldEvent(kind, name, typ, reason, msg string, count int32, first, last int) *corev1.Event {
	uid++
	return &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: name + "." + reason, Namespace: "ns", UID: types.UID(string(rune('a'+uid))) + "-uid", ResourceVersion: "1"},
		InvolvedObject: corev1.ObjectReference{Kind: kind, Name: name, Namespace: "ns"},
		Type:           typ, Reason: reason, Message: msg, Count: count,
		FirstTimestamp: metav1.NewTime(at(first)), LastTimestamp: metav1.NewTime(at(last)),
	}
}

// seriesEvent is an event as events.k8s.io reporters (the scheduler) write it.
func seriesEvent(kind, name, typ, reason, msg string, count int32, first, last int) *corev1.Event {
	e := oldEvent(kind, name, typ, reason, msg, 0, 0, 0)
	e.FirstTimestamp, e.LastTimestamp = metav1.Time{}, metav1.Time{}
	e.EventTime = metav1.NewMicroTime(at(first))
	if count > 1 {
		e.Series = &corev1.EventSeries{Count: count, LastObservedTime: metav1.NewMicroTime(at(last))}
	}
	return e
}

const insufficient = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."

// cluster holds three trials: one running after waiting, one whose pod
// was OOMKilled and deleted, one still queued; and events of others.
func cluster() []runtime.Object {
	return []runtime.Object{
		job(t1), job(t2), job(t3),
		pod(t1+"-aaaaa", t1), pod(t3+"-ccccc", t3),
		oldEvent("Job", t1, "Normal", "SuccessfulCreate", "Created pod: "+t1+"-aaaaa", 1, 0, 0),
		seriesEvent("Pod", t1+"-aaaaa", "Warning", "FailedScheduling", insufficient, 3, 0, 60),
		seriesEvent("Pod", t1+"-aaaaa", "Normal", "Scheduled", "Successfully assigned ns/"+t1+"-aaaaa to n1", 1, 61, 61),
		seriesEvent("Pod", t2+"-bbbbb", "Normal", "Scheduled", "Successfully assigned ns/"+t2+"-bbbbb to n1", 1, 5, 5),
		oldEvent("Job", t2, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", 1, 100, 100),
		seriesEvent("Pod", t3+"-ccccc", "Warning", "FailedScheduling", insufficient, 12, 10, 290),
		// Not the experiment's: another experiment, an unknown trial, a ConfigMap.
		oldEvent("Pod", "other-00000001-aaaaa", "Warning", "FailedScheduling", insufficient, 1, 0, 0),
		oldEvent("Pod", "mnist-00000009-zzzzz", "Warning", "FailedScheduling", insufficient, 1, 0, 0),
		oldEvent("ConfigMap", t1, "Normal", "Whatever", "x", 1, 0, 0),
	}
}

func run(t *testing.T, g *fakeGetter, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newCmdEvents(g, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, func() time.Time { return at(300) })
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestEventsTable(t *testing.T) {
	tests := map[string]struct {
		args    []string
		wantOut string
		wantErr string
	}{
		"grouped": {
			args: []string{"mnist"},
			wantOut: `TYPE      REASON                 COUNT   OBJECTS              FIRST SEEN   LAST SEEN   MESSAGE
Normal    SuccessfulCreate       x1      job/mnist-00000001   5m           5m          Created pod: mnist-00000001-aaaaa
Normal    Scheduled              x2      2 pods               4m55s        3m59s       Successfully assigned ns/mnist-00000001-aaaaa to n1
Warning   BackoffLimitExceeded   x1      job/mnist-00000002   3m20s        3m20s       Job has reached the specified backoff limit
Warning   FailedScheduling       x15     2 pods               5m           10s         0/1 nodes are available: 1 Insufficient cpu. ...
`,
		},
		"warnings of one trial": {
			args: []string{"mnist", "--type", "warning", "--trial", t3},
			wantOut: `TYPE      REASON             COUNT   OBJECTS                    FIRST SEEN   LAST SEEN   MESSAGE
Warning   FailedScheduling   x12     pod/mnist-00000003-ccccc   4m50s        10s         0/1 nodes are available: 1 Insufficient cpu. ...
`,
		},
		"raw": {
			args: []string{"mnist", "--raw", "--no-headers"},
			wantOut: `5m                     Normal    SuccessfulCreate       job/mnist-00000001         Created pod: mnist-00000001-aaaaa
4m55s                  Normal    Scheduled              pod/mnist-00000002-bbbbb   Successfully assigned ns/mnist-00000002-bbbbb to n1
4m (x3 over 60s)       Warning   FailedScheduling       pod/mnist-00000001-aaaaa   ` + insufficient + `
3m59s                  Normal    Scheduled              pod/mnist-00000001-aaaaa   Successfully assigned ns/mnist-00000001-aaaaa to n1
3m20s                  Warning   BackoffLimitExceeded   job/mnist-00000002         Job has reached the specified backoff limit
10s (x12 over 4m40s)   Warning   FailedScheduling       pod/mnist-00000003-ccccc   ` + insufficient + `
`,
		},
		"a trial whose pod is gone": {
			args: []string{"mnist", "--trial", t2, "--type", "Normal", "--type", "Warning", "--raw"},
			wantOut: `LAST SEEN   TYPE      REASON                 OBJECT                     MESSAGE
4m55s       Normal    Scheduled              pod/mnist-00000002-bbbbb   Successfully assigned ns/mnist-00000002-bbbbb to n1
3m20s       Warning   BackoffLimitExceeded   job/mnist-00000002         Job has reached the specified backoff limit
`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, errOut, err := run(t, &fakeGetter{kube: kubefake.NewClientset(cluster()...)}, tc.args...)
			if err != nil {
				t.Fatalf("events: %v", err)
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

func TestEventsErrors(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"no such experiment": {[]string{"other"}, `experiment "other" not found in namespace "ns" (no Jobs with label mlexp.dev/experiment=other)`},
		"no such trial":      {[]string{"mnist", "--trial", "mnist-00000009"}, "--trial: trial \"mnist-00000009\" is not in experiment \"mnist\" (see `kubectl mlexp status mnist`)"},
		"bad type":           {[]string{"mnist", "--type", "Error"}, `--type: unknown event type "Error" (allowed: Warning, Normal)`},
		"watch with json":    {[]string{"mnist", "-w", "-o", "json"}, `--watch prints tables: it cannot be used with --output json`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := run(t, &fakeGetter{kube: kubefake.NewClientset(cluster()...)}, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventsNone(t *testing.T) {
	out, errOut, err := run(t, &fakeGetter{kube: kubefake.NewClientset(job(t1))}, "mnist")
	if err != nil {
		t.Fatal(err)
	}
	want := "No events found for experiment mnist in namespace ns (events expire an hour after they were last seen by default; `kubectl mlexp status mnist` shows the trials' state).\n"
	if out != "" || errOut != want {
		t.Errorf("stdout %q, stderr %q; want only stderr %q", out, errOut, want)
	}
}

// TestEventsCalls pins the API calls of one events: Jobs, pods and events, one List each.
func TestEventsCalls(t *testing.T) {
	g := &fakeGetter{kube: kubefake.NewClientset(cluster()...)}
	if _, _, err := run(t, g, "mnist"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range g.kube.Actions() {
		got = append(got, a.GetVerb()+" "+a.GetResource().Resource)
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"list events", "list jobs", "list pods"}, got); diff != "" {
		t.Errorf("API calls (-want +got):\n%s", diff)
	}
}

func TestEventsJSON(t *testing.T) {
	for _, args := range [][]string{{"mnist", "-o", "json"}, {"mnist", "-o", "json", "--raw"}} {
		out, _, err := run(t, &fakeGetter{kube: kubefake.NewClientset(cluster()...)}, args...)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Kind       string `json:"kind"`
			Experiment string `json:"experiment"`
			Groups     []struct {
				Reason  string   `json:"reason"`
				Count   int      `json:"count"`
				Objects []string `json:"objects"`
			} `json:"items"`
		}
		var raw struct {
			Events []struct {
				Trial  string `json:"trial"`
				Reason string `json:"reason"`
				Count  int    `json:"count"`
				Object struct {
					Kind string `json:"kind"`
				} `json:"object"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v in:\n%s", err, out)
		}
		if err := json.Unmarshal([]byte(out), &raw); len(args) == 4 && err != nil {
			t.Fatalf("%v in:\n%s", err, out)
		}
		switch {
		case got.Experiment != "mnist" || (len(args) == 3) != (got.Kind == "EventGroupList"):
			t.Errorf("experiment %q", got.Experiment)
		case len(args) == 3 && (len(got.Groups) != 4 || got.Groups[3].Reason != "FailedScheduling" || got.Groups[3].Count != 15 || len(got.Groups[3].Objects) != 2):
			t.Errorf("groups:\n%s", out)
		case len(args) == 4 && (len(raw.Events) != 6 || raw.Events[5].Trial != t3 || raw.Events[5].Count != 12 || raw.Events[5].Object.Kind != "Pod"):
			t.Errorf("events:\n%s", out)
		}
	}
}

// TestEventsWatch follows: the first table, then groups as new events
// update them, until the context ends.
func TestEventsWatch(t *testing.T) {
	for _, raw := range []bool{false, true} {
		g := &fakeGetter{kube: kubefake.NewClientset(cluster()...)}
		var out mlexpfake.SyncBuffer
		o := &Options{IOStreams: genericiooptions.IOStreams{Out: &out, ErrOut: io.Discard}, Getter: g, Watch: true, Raw: raw,
			Now: func() time.Time { return at(300) }}
		if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		done := make(chan error, 1)
		go func() { done <- o.Run(ctx) }()
		waitFor(t, func() bool { return strings.Contains(out.String(), "BackoffLimitExceeded") })
		// A new trial's pod fails to schedule; the queued trial's series grows.
		for _, e := range []*corev1.Event{
			seriesEvent("Pod", "mnist-0000000a-ddddd", "Warning", "FailedScheduling", insufficient, 1, 295, 295),
			oldEvent("Pod", "other-00000002-aaaaa", "Warning", "FailedScheduling", insufficient, 1, 0, 0),
		} {
			if _, err := g.kube.CoreV1().Events("ns").Create(ctx, e, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		want := "x16     3 pods"
		if raw {
			want = "pod/mnist-0000000a-ddddd"
		}
		waitFor(t, func() bool { return strings.Contains(out.String(), want) })
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "other-") {
			t.Errorf("another experiment's event was printed:\n%s", out.String())
		}
		if n := strings.Count(out.String(), "REASON"); n != 1 {
			t.Errorf("want one header, got %d:\n%s", n, out.String())
		}
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

// TestEventsWorkloads: Kueue's events about the trials' Workloads (named
// job-TRIAL-HASH) are the experiment's events too, grouped like the rest.
func TestEventsWorkloads(t *testing.T) {
	const noQuota = "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default-flavor, 500m more needed"
	objs := append(cluster(),
		oldEvent("Workload", "job-"+t1+"-1a2b3", "Warning", "Pending", noQuota, 3, 0, 10),
		oldEvent("Workload", "job-"+t3+"-4c5d6", "Warning", "Pending", noQuota, 1, 5, 5),
		oldEvent("Workload", "job-"+t1+"-1a2b3", "Normal", "QuotaReserved", "Quota reserved in ClusterQueue cq, wait time since queued was 12s", 1, 20, 20),
		oldEvent("Workload", "job-other-00000001-1a2b3", "Warning", "Pending", noQuota, 1, 5, 5))
	out, _, err := run(t, &fakeGetter{kube: kubefake.NewClientset(objs...)}, "mnist", "--type", "Warning")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Pending") || !strings.Contains(out, "x4") || !strings.Contains(out, "2 workloads") {
		t.Errorf("want one Pending group of 4 events about 2 workloads:\n%s", out)
	}
	// --for, the flag's deprecated first name, still works.
	out, _, err = run(t, &fakeGetter{kube: kubefake.NewClientset(objs...)}, "mnist", "--raw", "--for", t1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "workload/job-"+t1+"-1a2b3") || !strings.Contains(out, "QuotaReserved") || strings.Contains(out, t3) {
		t.Errorf("--raw --for %s: want its Workload's events only:\n%s", t1, out)
	}
}

// TestPrinterKeepsColumnsWhileFollowing: groups printed in later calls (what
// --watch prints) line up with the header and rows printed first, when
// their cells fit the columns (a wider cell widens its column from then on).
func TestPrinterKeepsColumnsWhileFollowing(t *testing.T) {
	var b bytes.Buffer
	p := &Printer{Now: func() time.Time { return at(100) }}
	g := func(typ, reason string, n int) eventagg.Group {
		objs := make([]string, n)
		for i := range objs {
			objs[i] = fmt.Sprintf("mnist-0123abc%d-aaaaa", i)
		}
		return eventagg.Group{Type: typ, Reason: reason, Kind: "Pod", Message: "m", Count: int32(n), Objects: objs, First: at(90), Last: at(99)}
	}
	if err := p.PrintGroups(&b, []eventagg.Group{g("Normal", "Scheduled", 3)}); err != nil {
		t.Fatal(err)
	}
	if err := p.PrintGroups(&b, []eventagg.Group{g("Normal", "Pulled", 1)}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and 2 rows, got:\n%s", b.String())
	}
	col := strings.Index(lines[0], "COUNT")
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l[col:], "x") {
			t.Errorf("COUNT is at column %d of the header, not of row %q:\n%s", col, l, b.String())
		}
	}
}

// TestEventsOutput: -o takes what status's takes, through the same
// PrintFlags: templates and custom-columns over the items, --no-headers.
func TestEventsOutput(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"jsonpath":       {[]string{"-o", "jsonpath={.kind} {.items[3].reason} {.items[3].count}"}, "EventGroupList FailedScheduling 15"},
		"custom-columns": {[]string{"--raw", "-o", "custom-columns=REASON:.reason,KIND:.object.kind", "--no-headers"}, "Pod\n"},
		"no headers":     {[]string{"--no-headers"}, "FailedScheduling"},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := run(t, &fakeGetter{kube: kubefake.NewClientset(cluster()...)}, append([]string{"mnist"}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tc.want) || strings.Contains(out, "REASON") {
				t.Errorf("output = %q, want it to hold %q and no header", out, tc.want)
			}
		})
	}
	if _, _, err := run(t, &fakeGetter{kube: kubefake.NewClientset(cluster()...)}, "mnist", "-o", "name"); err == nil || !strings.Contains(err.Error(), `--output: unknown format "name"`) {
		t.Errorf("-o name: err = %v", err)
	}
}
