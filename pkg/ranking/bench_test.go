package ranking

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// synthetic returns n trials with 3 parameters and 6 metrics, a few
// without the ranking metric.
func synthetic(n int) []Trial {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]Trial, n)
	for i := range out {
		m := map[string]float64{"loss": r.Float64(), "accuracy": r.Float64(), "val_loss": r.Float64(),
			"val_accuracy": r.Float64(), "test_loss": r.Float64()}
		if i%10 != 0 {
			m["test_accuracy"] = float64(r.IntN(1000)) / 1000
		}
		out[i] = Trial{Name: fmt.Sprintf("mnist-%08x", r.Uint32()), State: trial.Succeeded, Source: SourceLog,
			Params:  p("activation", []string{"relu", "softmax", "tanh"}[i%3], "dropout", float64(i%9)/10, "epochs", int64(10)),
			Metrics: m}
	}
	return out
}

// BenchmarkRank1000 ranks 1000 trials and renders them as a table, CSV and
// the JSON shape: everything `results` does after reading the logs.
func BenchmarkRank1000(b *testing.B) {
	trials := synthetic(1000)
	b.ReportAllocs()
	for b.Loop() {
		t := Rank(trials, ChooseMetric(trials, ""), "")
		if err := t.WriteTable(io.Discard, TableOptions{Chart: true}); err != nil {
			b.Fatal(err)
		}
		if err := t.WriteCSV(io.Discard); err != nil {
			b.Fatal(err)
		}
		_ = t.Result()
	}
}
