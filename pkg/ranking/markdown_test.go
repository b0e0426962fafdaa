package ranking

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

func TestWriteMarkdown(t *testing.T) {
	tab := Rank([]Trial{
		{Name: "m-a", Params: params.Params{{Name: "act", Value: "relu|x"}, {Name: "lr", Value: 0.1}}, State: trial.Succeeded, Metrics: map[string]float64{"test_accuracy": 0.91, "test_loss": 0.3}},
		{Name: "m-b", Params: params.Params{{Name: "act", Value: "soft_max"}, {Name: "lr", Value: 0.01}}, State: trial.Succeeded, Metrics: map[string]float64{"test_accuracy": 0.97, "test_loss": math.NaN()}},
		{Name: "m-c", Params: params.Params{{Name: "act", Value: "tanh"}, {Name: "lr", Value: 0.001}}, State: trial.OOMKilled},
	}, "test_accuracy", "")
	var b strings.Builder
	if err := tab.WriteMarkdown(&b, "mnist"); err != nil {
		t.Fatal(err)
	}
	want := "**mnist**: 3 trials ranked by `test_accuracy` (max is better)\n\n" +
		"| rank | trial | act | lr | state | test\\_accuracy ↑ | test\\_loss |\n" +
		"|---:|---|---|---:|---|---:|---:|\n" +
		"| 1 ★ | **`m-b`** | soft\\_max | 0.01 | Succeeded | **0.97** | NaN |\n" +
		"| 2 | `m-a` | relu\\|x | 0.1 | Succeeded | 0.91 | 0.3 |\n" +
		"| – | `m-c` | tanh | 0.001 | OOMKilled |  |  |\n" +
		"\nbest: m-b (act=soft\\_max, lr=0.01) test\\_accuracy=0.97\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
