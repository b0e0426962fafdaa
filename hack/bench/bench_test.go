package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

func TestShapeFor(t *testing.T) {
	cases := map[string]struct {
		n, sample int
		want      Shape
		err       string
	}{
		"10000":          {n: 10000, sample: 50, want: Shape{Parts: 200, PerPart: 50}},
		"smaller sample": {n: 20, sample: 50, want: Shape{Parts: 1, PerPart: 20}},
		"not a multiple": {n: 1010, sample: 50, err: "-n: 1010 is not a multiple of the sample size 50"},
		"zero":           {n: 0, sample: 50, err: "-n: want at least 1"},
	}
	for name, c := range cases {
		got, err := ShapeFor(c.n, c.sample)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err = %v, want %q", name, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: ShapeFor = %+v, %v; want %+v", name, got, err, c.want)
		}
	}
}

// TestExperimentFileRenders renders every placement of the bench's file
// as submit would: the right number of trials, the sample label, and the
// fake nodes' selector and toleration only where asked.
func TestExperimentFileRenders(t *testing.T) {
	nodes := SimulatedNodes{Selector: map[string]string{"type": "kwok"}, TaintKey: "kwok.x-k8s.io/node"}
	for _, p := range []Placement{Suspended, Simulated, Real} {
		path, err := writeFile(t.TempDir(), "e.yaml", ExperimentFile("scale", Shape{Parts: 3, PerPart: 4}, p, nodes, "echo ${part} ${i}"))
		if err != nil {
			t.Fatal(err)
		}
		jobs, _, err := RenderJobs(path, "ns")
		if err != nil {
			t.Fatalf("placement %d: %v", p, err)
		}
		if len(jobs) != 12 {
			t.Fatalf("placement %d: %d jobs, want 12", p, len(jobs))
		}
		j := jobs[11]
		if j.Labels["bench-part"] != "p2" || j.Spec.Template.Labels["bench-part"] != "p2" || j.Labels[keys.Experiment] != "scale" {
			t.Errorf("placement %d: labels %v / %v", p, j.Labels, j.Spec.Template.Labels)
		}
		suspended := j.Spec.Suspend != nil && *j.Spec.Suspend
		if suspended != (p == Suspended) {
			t.Errorf("placement %d: suspend = %v", p, suspended)
		}
		ps := j.Spec.Template.Spec
		simulated := ps.NodeSelector["type"] == "kwok" && len(ps.Tolerations) == 1 && ps.Tolerations[0].Key == nodes.TaintKey
		if simulated != (p == Simulated) {
			t.Errorf("placement %d: nodeSelector %v, tolerations %v", p, ps.NodeSelector, ps.Tolerations)
		}
		if got := ps.Containers[0].Args[0]; got != "echo 2 3" {
			t.Errorf("placement %d: args %q", p, got)
		}
		if p == Simulated {
			for _, j := range jobs {
				want := shortRun
				if j.Labels["bench-part"] == fmt.Sprintf("p%d", RunningPart) {
					want = longRun
				}
				if got := j.Spec.Template.Annotations[kwokDelay]; got != want {
					t.Errorf("trial %s (%s): delay %q, want %q", j.Name, j.Labels["bench-part"], got, want)
				}
			}
		}
	}
}

func TestParseRequests(t *testing.T) {
	r := Run{Stderr: "warning: x\nrequests: 3 (2 list jobs, 1 list pods), at most 2 open at once\n"}
	r.parseRequests()
	if r.Requests != 3 || r.Detail != "2 list jobs, 1 list pods" || r.PeakOpen != 2 {
		t.Errorf("parsed %d %q %d", r.Requests, r.Detail, r.PeakOpen)
	}
	r = Run{Stderr: "error: boom\n", Requests: -1}
	r.parseRequests()
	if r.Requests != -1 || r.RequestsText() != "-" {
		t.Errorf("without a requests line: %d %q", r.Requests, r.RequestsText())
	}
}

func TestLineCounter(t *testing.T) {
	var l lineCounter
	l.Write([]byte("a\nb\nc"))
	l.Write([]byte("d\n"))
	if l.lines != 3 || l.partial || l.kept.String() != "a\nb\ncd\n" {
		t.Errorf("lines %d partial %v kept %q", l.lines, l.partial, l.kept.String())
	}
}

func TestSummaryTotal(t *testing.T) {
	out := "NAME STATE\nscale-1 Suspended\n1000 trials: 1000 suspended\n"
	if got := summaryTotal(out); got != 1000 {
		t.Errorf("summaryTotal = %d", got)
	}
	if got := summaryTotal("1 trial: 1 succeeded\n"); got != 1 {
		t.Errorf("summaryTotal of one = %d", got)
	}
}

func TestTablePrint(t *testing.T) {
	var tb Table
	tb.Add(Row{N: 10, What: "submit", Run: Run{Wall: 1500 * time.Millisecond, CPU: 800 * time.Millisecond, MaxRSS: 40 << 20, Requests: 11, PeakOpen: 3}, Note: "1.20x raw creates"})
	tb.Add(Row{N: 10, What: "client-go creates (baseline)", Run: Run{Wall: 1250 * time.Millisecond, Requests: 10, PeakOpen: 16}, InProc: true})
	tb.Add(Row{N: 10, What: "top", Skipped: "no simulated nodes"})
	tb.Add(Row{N: 10, What: "status", Run: Run{Wall: 20 * time.Millisecond, Requests: -1}, Failed: true, Note: "exit 1"})
	var b bytes.Buffer
	tb.Print(&b)
	want := `| N  | command                      | wall    | CPU     | peak RSS | API requests | open at once | notes                       |
|--: |---                           |--:      |--:      |--:       |--:           |--:           |---                          |
| 10 | submit                       | 1.50 s  | 0.800 s | 40 MiB   | 11           | 3            | 1.20x raw creates           |
| 10 | client-go creates (baseline) | 1.25 s  | -       | -        | 10           | 16           |                             |
| 10 | top                          | -       | -       | -        | -            | -            | skipped: no simulated nodes |
| 10 | status                       | 0.020 s | 0.000 s | 0 MiB    | -            | -            | FAILED exit 1               |
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	if len(tb.Failures()) != 1 {
		t.Errorf("Failures = %d, want 1", len(tb.Failures()))
	}
}

func TestParseHWM(t *testing.T) {
	for line, want := range map[string]int64{"VmHWM:\t   91234 kB": 91234 * 1024, "VmRSS:\t 5 kB": -1, "VmHWM: x kB": -1, "VmHWM: 5 MB": -1} {
		got, ok := parseHWM(line)
		if (want < 0 && ok) || (want >= 0 && (!ok || got != want)) {
			t.Errorf("parseHWM(%q) = %d, %v; want %d", line, got, ok, want)
		}
	}
}

// TestWatchHWM samples this test's own process (the first sample is taken
// at once, before stop is seen): its peak is at least a MiB.
func TestWatchHWM(t *testing.T) {
	w := watchHWM(os.Getpid())
	if got := w.stop(); got < 1<<20 {
		t.Errorf("peak of this process = %d bytes, want at least 1 MiB", got)
	}
}

func TestListTrials(t *testing.T) {
	table := "EXPERIMENT   QUEUE    TRIALS   PENDING   RUNNING   SUCCEEDED   FAILED   AGE\n" +
		"other        <none>   7        0         0         7           0        1m\n" +
		"scale        <none>   2000     0         0         2000        0        2m\n"
	if got := listTrials(table, "scale"); got != 2000 {
		t.Errorf("listTrials = %d, want 2000", got)
	}
	if got := listTrials(table, "missing"); got != -1 {
		t.Errorf("listTrials of a missing experiment = %d, want -1", got)
	}
}
