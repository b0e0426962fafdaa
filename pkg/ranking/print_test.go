package ranking

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

func p(kv ...any) params.Params {
	var out params.Params
	for i := 0; i < len(kv); i += 2 {
		out = append(out, params.Param{Name: kv[i].(string), Value: kv[i+1]})
	}
	return out
}

// example is an experiment of five trials in every situation.
func example() *Table {
	return Rank([]Trial{
		{Name: "mnist-aaaa", Params: p("activation", "relu", "dropout", 0.3), State: trial.Succeeded, Pod: "mnist-aaaa-x1", Source: SourceLog,
			Metrics: map[string]float64{"test_accuracy": 0.9012, "test_loss": 0.31}},
		{Name: "mnist-bbbb", Params: p("activation", "softmax", "dropout", 0.2), State: trial.Succeeded, Pod: "mnist-bbbb-x2", Source: SourceLog, FromRecord: true,
			Metrics: map[string]float64{"test_accuracy": 0.9812, "test_loss": 0.0634}},
		{Name: "mnist-cccc", Params: p("activation", "linear", "dropout", 0.5), State: trial.Failed, Pod: "mnist-cccc-x3",
			Metrics: map[string]float64{"test_loss": math.NaN()}},
		{Name: "mnist-dddd", Params: p("activation", "tanh", "dropout", 0.4), State: trial.Succeeded, PodGone: true},
		{Name: "mnist-eeee", Params: p("activation", "elu", "dropout", 0.7), State: trial.Running, Pod: "mnist-eeee-x5", Source: SourceTerminationMessage,
			Metrics: map[string]float64{"test_accuracy": 0.9712}},
	}, "test_accuracy", "")
}

func TestWriteTable(t *testing.T) {
	cases := map[string]struct {
		opts TableOptions
		want string
	}{
		"chart": {opts: TableOptions{Chart: true}, want: `
RANK   TRIAL        ACTIVATION   DROPOUT   STATE                  TEST_ACCURACY   0 … 0.9812             TEST_LOSS
1*     mnist-bbbb   softmax      0.2       Succeeded              0.9812          ████████████████████   0.0634
2      mnist-eeee   elu          0.7       Running                0.9712          ███████████████████▊   <none>
3      mnist-aaaa   relu         0.3       Succeeded              0.9012          ██████████████████▍    0.31
-      mnist-cccc   linear       0.5       Failed                 <none>                                 NaN
-      mnist-dddd   tanh         0.4       Succeeded (pod gone)   <none>                                 <none>
`},
		"wide, no chart, no headers": {opts: TableOptions{Wide: true, NoHeaders: true}, want: `
1*    mnist-bbbb   softmax   0.2   Succeeded              0.9812   0.0634   log (recorded)        mnist-bbbb-x2
2     mnist-eeee   elu       0.7   Running                0.9712   <none>   termination-message   mnist-eeee-x5
3     mnist-aaaa   relu      0.3   Succeeded              0.9012   0.31     log                   mnist-aaaa-x1
-     mnist-cccc   linear    0.5   Failed                 <none>   NaN      <none>                mnist-cccc-x3
-     mnist-dddd   tanh      0.4   Succeeded (pod gone)   <none>   <none>   <none>                <none>
`},
		"narrow chart": {opts: TableOptions{Chart: true, ChartWidth: 3, NoHeaders: true}, want: `
1*    mnist-bbbb   softmax   0.2   Succeeded              0.9812   ███   0.0634
2     mnist-eeee   elu       0.7   Running                0.9712   ███   <none>
3     mnist-aaaa   relu      0.3   Succeeded              0.9012   ██▊   0.31
-     mnist-cccc   linear    0.5   Failed                 <none>         NaN
-     mnist-dddd   tanh      0.4   Succeeded (pod gone)   <none>         <none>
`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := example().WriteTable(&b, tc.opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(strings.TrimPrefix(tc.want, "\n"), b.String()); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteTableNoMetric(t *testing.T) {
	tab := Rank([]Trial{{Name: "a", State: trial.Pending}}, "", "")
	var b bytes.Buffer
	if err := tab.WriteTable(&b, TableOptions{Chart: true}); err != nil {
		t.Fatal(err)
	}
	want := "RANK   TRIAL   STATE\n-      a       Pending\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestBestLine(t *testing.T) {
	ok := trial.Succeeded
	cases := map[string]struct {
		tab  *Table
		want string
	}{
		"finished": {tab: example(),
			want: "best: mnist-bbbb (activation=softmax, dropout=0.2) test_accuracy=0.9812"},
		"running": {tab: Rank([]Trial{{Name: "r", State: trial.Running, Metrics: acc(0.5)}}, "acc", Max),
			want: "best so far: r acc=0.5 [Running]"},
		"tied": {tab: Rank([]Trial{tr("a", ok, acc(1)), tr("b", ok, acc(1)), tr("c", ok, acc(1))}, "acc", Max),
			want: "best: a acc=1, tied with 2 other trials"},
		"tied with one": {tab: Rank([]Trial{tr("a", ok, acc(1)), tr("b", ok, acc(1))}, "acc", Max),
			want: "best: a acc=1, tied with 1 other trial"},
		"every digit": {tab: Rank([]Trial{tr("a", ok, acc(0.981234567))}, "acc", Max),
			want: "best: a acc=0.981234567"},
		"none": {tab: Rank([]Trial{tr("a", ok, nil)}, "acc", Max), want: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.tab.BestLine()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	tab := Rank([]Trial{
		{Name: "a", Params: p("note", `say "hi", then
leave`, "lr", 0.001, "deep", true), State: trial.Succeeded, Metrics: map[string]float64{"acc": 0.5, "loss": math.NaN()}},
		{Name: "b", Params: p("note", "plain"), State: trial.OOMKilled, Metrics: map[string]float64{"acc": 0.75}},
		{Name: "c", State: trial.Succeeded, PodGone: true},
	}, "acc", Max)
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := `trial,note,lr,deep,state,acc,loss
b,plain,,,OOMKilled,0.75,
a,"say ""hi"", then
leave",0.001,true,Succeeded,0.5,NaN
c,,,,Succeeded,,
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
}

// FuzzCSV checks that any parameter value and trial name survive CSV
// quoting: reading the output back gives the same fields.
func FuzzCSV(f *testing.F) {
	f.Add("mnist-1", "relu", 0.5)
	f.Add("a,b", "x\"y\nz", math.NaN())
	f.Add("", " lead", math.Inf(-1))
	f.Fuzz(func(t *testing.T, name, value string, v float64) {
		if strings.ContainsRune(name+value, '\r') || !isValidUTF8(name+value) {
			t.Skip("encoding/csv normalises \\r\\n; invalid UTF-8 is not a parameter")
		}
		tab := Rank([]Trial{{Name: name, Params: p("x", value), State: trial.Succeeded, Metrics: map[string]float64{"m": v}}}, "m", Max)
		var b bytes.Buffer
		if err := tab.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatalf("read back %q: %v", b.String(), err)
		}
		want := [][]string{{"trial", "x", "state", "m"}, {name, value, "Succeeded", FormatExact(v)}}
		if diff := cmp.Diff(want, recs); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestResultJSON(t *testing.T) {
	tab := Rank([]Trial{
		{Name: "a", Params: p("lr", 0.1), State: trial.Succeeded, Pod: "a-1", Source: SourceLog,
			Metrics: map[string]float64{"acc": 0.9, "loss": math.NaN()},
			Curves:  map[string][]CurvePoint{"loss": {{Step: 1, Line: 3, Value: 0.5}, {Step: -1, Line: 9, Value: Value(math.NaN())}}}},
		{Name: "b", State: trial.Succeeded, PodGone: true},
	}, "acc", "")
	r := tab.Result()
	r.Experiment, r.Namespace = "mnist", "default"
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "experiment": "mnist",
  "namespace": "default",
  "metric": "acc",
  "goal": "max",
  "best": "a",
  "items": [
    {
      "rank": 1,
      "best": true,
      "name": "a",
      "params": {
        "lr": 0.1
      },
      "state": "Succeeded",
      "pod": "a-1",
      "source": "log",
      "value": 0.9,
      "metrics": {
        "acc": 0.9,
        "loss": "NaN"
      },
      "curves": {
        "loss": [
          {
            "step": 1,
            "line": 3,
            "value": 0.5
          },
          {
            "step": -1,
            "line": 9,
            "value": "NaN"
          }
        ]
      }
    },
    {
      "name": "b",
      "params": {},
      "state": "Succeeded",
      "podGone": true,
      "metrics": {}
    }
  ]
}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
}

// TestStateCellNamesHowMemoryRanOut: the results' STATE says what status
// says of a trial that ran out of memory without its state saying so.
func TestStateCellNamesHowMemoryRanOut(t *testing.T) {
	for _, c := range []struct {
		t    Trial
		want string
	}{
		{Trial{State: trial.Failed, OOMNote: "likely out of memory"}, "Failed (likely out of memory)"},
		{Trial{State: trial.Succeeded, OOMNote: "with a process OOM-killed", PodGone: true}, "Succeeded (with a process OOM-killed; pod gone)"},
		{Trial{State: trial.OOMKilled}, "OOMKilled"},
	} {
		if got := stateCell(&c.t); got != c.want {
			t.Errorf("stateCell(%+v) = %q, want %q", c.t, got, c.want)
		}
	}
}
