package ranking

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
)

// Goal says whether a larger or a smaller value of the ranking metric is better.
type Goal string

const (
	// Max ranks the largest value first (accuracy, F1, AUC).
	Max Goal = "max"
	// Min ranks the smallest value first (loss, error).
	Min Goal = "min"
)

// ParseGoal reads a --goal value: max or min, or Katib's maximize or
// minimize; "" means "choose from the metric's name".
func ParseGoal(s string) (Goal, error) {
	switch Goal(s) {
	case "", Max, Min:
		return Goal(s), nil
	case "maximize":
		return Max, nil
	case "minimize":
		return Min, nil
	}
	return "", fmt.Errorf("invalid goal %q: want max or min", s)
}

// minWords are name parts of metrics where smaller is better.
var minWords = map[string]bool{
	"loss": true, "error": true, "err": true, "errors": true, "mse": true, "mae": true,
	"rmse": true, "mape": true, "nll": true, "perplexity": true, "ppl": true, "wer": true,
	"cer": true, "time": true, "latency": true, "duration": true, "seconds": true, "regret": true,
}

// DefaultGoal returns the goal a metric's name implies: Min for loss-like
// names (loss, val_loss, error, mse, perplexity, ...), Max for the rest
// (accuracy, f1, auc, precision, recall, score, ...).
func DefaultGoal(metric string) Goal {
	name := strings.ToLower(metric)
	if strings.Contains(name, "loss") || strings.Contains(name, "error") {
		return Min
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if minWords[w] {
			return Min
		}
	}
	return Max
}

// preferred lists the metrics chosen for ranking, in order, when neither a
// flag nor the experiment file names one.
var preferred = []string{"test_accuracy", "val_accuracy", "accuracy", "test_loss", "val_loss", "loss"}

// ChooseMetric returns the metric to rank by: want when set, as the log
// parser names it (logmetrics.NormalizeName: Validation-accuracy is
// validation-accuracy), else the first of test_accuracy, val_accuracy,
// accuracy, test_loss, val_loss and loss that some trial reported, else the
// alphabetically first metric of any trial, else "".
func ChooseMetric(trials []Trial, want string) string {
	if want != "" {
		return logmetrics.NormalizeName(want)
	}
	names := MetricNames(trials)
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	for _, p := range preferred {
		if have[p] {
			return p
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return ""
}

// MetricNames returns the sorted union of the metric names of trials.
func MetricNames(trials []Trial) []string {
	seen := map[string]bool{}
	var names []string
	for _, t := range trials {
		for n := range t.Metrics {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names
}
