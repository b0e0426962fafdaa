package ranking

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultGoal(t *testing.T) {
	cases := map[string]Goal{
		"test_accuracy": Max, "accuracy": Max, "val_acc": Max, "f1": Max, "auc": Max,
		"loss": Min, "val_loss": Min, "Test_Loss": Min, "train-loss": Min, "error_rate": Min,
		"mse": Min, "val_rmse": Min, "perplexity": Min, "epoch_time": Min, "wer": Min,
		"tower": Max, // "wer" only as a whole word
		"":      Max,
	}
	for name, want := range cases {
		if got := DefaultGoal(name); got != want {
			t.Errorf("DefaultGoal(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestParseGoal(t *testing.T) {
	for _, s := range []string{"", "max", "min"} {
		if g, err := ParseGoal(s); err != nil || string(g) != s {
			t.Errorf("ParseGoal(%q) = %q, %v", s, g, err)
		}
	}
	for s, want := range map[string]Goal{"maximize": Max, "minimize": Min} {
		if g, err := ParseGoal(s); err != nil || g != want {
			t.Errorf("ParseGoal(%q) = %q, %v; want %q (Katib's word)", s, g, err, want)
		}
	}
	if _, err := ParseGoal("maximum"); err == nil || err.Error() != `invalid goal "maximum": want max or min` {
		t.Errorf("ParseGoal(maximum) error = %v", err)
	}
}

func TestChooseMetric(t *testing.T) {
	m := func(names ...string) Trial {
		t := Trial{Metrics: map[string]float64{}}
		for _, n := range names {
			t.Metrics[n] = 1
		}
		return t
	}
	cases := map[string]struct {
		trials []Trial
		want   string
		flag   string
	}{
		"flag wins":              {trials: []Trial{m("test_accuracy")}, flag: "loss", want: "loss"},
		"test_accuracy first":    {trials: []Trial{m("loss", "accuracy"), m("test_accuracy")}, want: "test_accuracy"},
		"then val_accuracy":      {trials: []Trial{m("loss", "accuracy", "val_accuracy")}, want: "val_accuracy"},
		"then loss":              {trials: []Trial{m("loss", "zeta")}, want: "loss"},
		"else first by name":     {trials: []Trial{m("zeta"), m("beta", "gamma")}, want: "beta"},
		"nothing":                {trials: []Trial{m(), {}}, want: ""},
		"flag even without data": {flag: "f1", want: "f1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ChooseMetric(tc.trials, tc.flag)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
