package ranking

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// katibTrials are trials of a Katib-format experiment: the metrics as the
// log parser names what they printed (Validation-accuracy=...).
func katibTrials() []Trial {
	return []Trial{
		{Name: "k-1", Params: p("num-layers", int64(2)), State: trial.Succeeded, Metrics: map[string]float64{"validation-accuracy": 0.91, "loss": 0.3}},
		{Name: "k-2", Params: p("num-layers", int64(3)), State: trial.Succeeded, Metrics: map[string]float64{"validation-accuracy": 0.95, "loss": 0.2, "epoch_time": 3}},
		{Name: "k-3", Params: p("num-layers", int64(4)), State: trial.Succeeded, Metrics: map[string]float64{"validation-accuracy": 0.85, "loss": 0.5}},
		{Name: "k-4", Params: p("num-layers", int64(5)), State: trial.Failed, Metrics: map[string]float64{"validation-accuracy": 0.99}},
		{Name: "k-5", Params: p("num-layers", int64(6)), State: trial.Succeeded, Metrics: map[string]float64{"validation-accuracy": math.NaN()}},
		{Name: "k-6", Params: p("num-layers", int64(7)), State: trial.Running},
	}
}

func katibTable() *Table {
	trials := katibTrials()
	t := Rank(trials, ChooseMetric(trials, "Validation-accuracy"), Max)
	t.SetTarget(0.9)
	t.LeadWith([]string{"Train-accuracy", "loss"})
	return t
}

func TestTargetTable(t *testing.T) {
	var b bytes.Buffer
	tbl := katibTable()
	if err := tbl.WriteTable(&b, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `RANK   TRIAL   NUM-LAYERS   STATE       VALIDATION-ACCURACY   GOAL      TRAIN-ACCURACY   LOSS     EPOCH_TIME
1      k-4     5            Failed      0.99                  -         <none>           <none>   <none>
2*     k-2     3            Succeeded   0.95                  reached   <none>           0.2      3
3      k-1     2            Succeeded   0.91                  reached   <none>           0.3      <none>
4      k-3     4            Succeeded   0.85                  -         <none>           0.5      <none>
-      k-5     6            Succeeded   NaN                   <none>    <none>           <none>   <none>
-      k-6     7            Running     <none>                <none>    <none>           <none>   <none>
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	if got, want := tbl.BestLine(), "best: k-2 (num-layers=3) validation-accuracy=0.95; goal validation-accuracy>=0.9 reached by 2 of 6 trials"; got != want {
		t.Errorf("best line:\n got %s\nwant %s", got, want)
	}
}

func TestTargetMinAndNotReached(t *testing.T) {
	trials := katibTrials()
	tbl := Rank(trials, "loss", Min)
	tbl.SetTarget(0.2)
	var reached []string
	for _, r := range tbl.Rows {
		if r.Reached {
			reached = append(reached, r.Name)
		}
	}
	if diff := cmp.Diff([]string{"k-2"}, reached); diff != "" {
		t.Errorf("reached loss<=0.2 (-want +got):\n%s", diff)
	}
	tbl.SetTarget(0.001)
	if got := tbl.BestLine(); !strings.HasSuffix(got, "; goal loss<=0.001 not reached") {
		t.Errorf("best line %q", got)
	}
}

func TestTargetCSVAndJSON(t *testing.T) {
	tbl := katibTable()
	var b bytes.Buffer
	if err := tbl.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "trial,num-layers,state,validation-accuracy,train-accuracy,loss,epoch_time,goal_reached" || lines[2] != "k-2,3,Succeeded,0.95,,0.2,3,true" {
		t.Errorf("csv:\n%s", b.String())
	}
	out, err := json.Marshal(tbl.Result())
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Metric string
		Target float64
		Trials []struct {
			Name    string
			Reached bool
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	if r.Metric != "validation-accuracy" || r.Target != 0.9 || r.Trials[1].Name != "k-2" || !r.Trials[1].Reached || r.Trials[0].Reached {
		t.Errorf("json: %s", out)
	}
}

// Without a target the table is as before: no GOAL column.
func TestNoTarget(t *testing.T) {
	tbl := Rank(katibTrials(), "loss", Min)
	if h := strings.Join(tbl.Header(TableOptions{}), " "); strings.Contains(h, "GOAL") || tbl.BestLine() != "best: k-2 (num-layers=3) loss=0.2" {
		t.Errorf("header %q, best line %q", h, tbl.BestLine())
	}
}

func TestTargetMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := katibTable().WriteMarkdown(&b, "k"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[2] != `| rank | trial | num-layers | state | validation-accuracy ↑ | goal validation-accuracy&gt;=0.9 | train-accuracy | loss | epoch\_time |` ||
		lines[5] != "| 2 ★ | **`k-2`** | 3 | Succeeded | **0.95** | reached |  | 0.2 | 3 |" {
		t.Errorf("markdown:\n%s", b.String())
	}
}
