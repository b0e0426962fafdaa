package report

import (
	"math"
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// FuzzWrite renders trials built from arbitrary names, strings and
// numbers: every SVG must parse, hold only finite numbers, and the page
// must keep its one script.
func FuzzWrite(f *testing.F) {
	f.Add("lr", "relu", 0.1, 0.9, 1.0, uint8(3))
	f.Add("<b>&", `"'<>`, math.NaN(), math.Inf(1), -0.0, uint8(1))
	f.Add("", "", math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, uint8(0))
	f.Add("x", strings.Repeat("long<>&\"", 40), 1e-300, 1e300, 5.0, uint8(40))
	f.Fuzz(func(t *testing.T, pname, pval string, a, b, c float64, n uint8) {
		var trials []ranking.Trial
		var statuses []trial.Status
		vals := []float64{a, b, c}
		for i := range int(n % 50) {
			v := vals[i%3]
			p := params.Params{{Name: pname, Value: pval + strings.Repeat("x", i%3)}, {Name: "num", Value: vals[(i+1)%3]}}
			tr := ranking.Trial{Name: pval + string(rune('a'+i%26)), Params: p, State: trial.Succeeded,
				Metrics: map[string]float64{pname: v}, Curves: map[string][]ranking.CurvePoint{pname: {{Step: -1, Value: ranking.Value(a)}, {Step: -1, Value: ranking.Value(b)}}}}
			if i%5 == 4 {
				tr.State, tr.Metrics = trial.OOMKilled, nil
			}
			trials = append(trials, tr)
			statuses = append(statuses, trial.Status{Name: tr.Name, State: tr.State, Reason: pval, Message: pname, MemoryLimit: pval})
		}
		page := render(t, Input{Experiment: pname, Namespace: pval, Table: ranking.Rank(trials, pname, ""), Statuses: statuses})
		plots(t, page)
		if n := strings.Count(page, "<script"); n != 1 {
			t.Fatalf("%d scripts", n)
		}
	})
}
