//go:build e2e

package e2e

import (
	"encoding/json"
	"math"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

const trainerImage = "localhost/mlexp/trainer:dev"

var trainerOnce sync.Once
var trainerErr error

// TrainerImage builds examples/mnist into localhost/mlexp/trainer:dev.
func TrainerImage(t testing.TB) {
	t.Helper()
	trainerOnce.Do(func() {
		out, err := exec.Command("bash", "../../examples/mnist/build-image.sh", "--name", trainerImage).CombinedOutput()
		if err != nil {
			trainerErr = err
			t.Logf("build-image.sh:\n%s", out)
		}
	})
	if trainerErr != nil {
		t.Fatalf("build the trainer image: %v", trainerErr)
	}
}

// resultsJSON is the part of `results -o json` this test reads.
type resultsJSON struct {
	Metric string `json:"metric"`
	Best   string `json:"best"`
	Trials []struct {
		Rank    int            `json:"rank"`
		Name    string         `json:"name"`
		State   string         `json:"state"`
		Params  map[string]any `json:"params"`
		Metrics map[string]any `json:"metrics"`
	} `json:"items"`
}

// TestDemoExperiment runs the demo's experiment (examples/demo.yaml: 3 model
// widths x the seed's 8 rows of the real MNIST trainer) and checks that
// every trial succeeds with a test accuracy, that results ranks all 24 by
// it with softmax at the top, and that outputs which are not probabilities
// (linear, tanh) do clearly worse.
func TestDemoExperiment(t *testing.T) {
	TrainerImage(t)
	ns := NewNamespace(t, "demo")
	t.Setenv("MLEXP_DEMO_IMAGE", trainerImage)
	MustMlexp(t, ns, "submit", "-f", "../../examples/demo.yaml")
	var final StatusResult
	WaitFor(t, 15*time.Minute, "24 trials to finish", func() (bool, string) {
		s, r := Status(t, ns, "mnist")
		if r.Err != nil {
			return false, r.String()
		}
		final = s
		done := s.Count("Succeeded") + s.Count("Failed") + s.Count("OOMKilled")
		return len(s.Trials) == 24 && done == 24, s.Describe()
	})
	// Finished is not succeeded: a trainer that fails or runs out of
	// memory is a failed demo.
	if n := final.Count("Succeeded"); n != 24 {
		t.Fatalf("%d of 24 trials succeeded:\n%s", n, final.Describe())
	}
	r := MustMlexp(t, ns, "results", "mnist", "-o", "json")
	var res resultsJSON
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("results -o json: %v\n%s", err, r)
	}
	if len(res.Trials) != 24 {
		t.Fatalf("results has %d trials, want 24:\n%s", len(res.Trials), r.Stdout)
	}
	acc := map[string][]float64{}
	var ranked []float64
	for _, tr := range res.Trials {
		a, _ := tr.Params["activation"].(string)
		v, ok := tr.Metrics["test_accuracy"].(float64)
		if !ok || math.IsNaN(v) || v < 0 || v > 1 {
			t.Fatalf("trial %s (%v) has test_accuracy %v, want a number in [0, 1]:\n%s", tr.Name, tr.Params, tr.Metrics["test_accuracy"], r.Stdout)
		}
		acc[a] = append(acc[a], v)
		ranked = append(ranked, v)
	}
	table := MustMlexp(t, ns, "results", "mnist").Stdout
	t.Logf("results:\n%s", table)
	top := res.Trials[0]
	if top.Params["activation"] != "softmax" {
		t.Errorf("best trial is %s (%v), want a softmax one\n%s", top.Name, top.Params, table)
	}
	if len(acc["softmax"]) != 3 {
		t.Fatalf("%d softmax trials, want 3", len(acc["softmax"]))
	}
	for _, v := range acc["softmax"] {
		if !(v > 0.9) {
			t.Errorf("softmax test accuracies %v, want all above 0.9", acc["softmax"])
			break
		}
	}
	best := maxOf(acc["softmax"])
	for _, a := range []string{"linear", "tanh"} {
		if len(acc[a]) != 3 {
			t.Fatalf("%d %s trials, want 3", len(acc[a]), a)
		}
		if m := maxOf(acc[a]); m >= best-0.2 {
			t.Errorf("%s reached %v, want clearly below softmax's %v", a, m, best)
		}
	}
	if m := meanOf(acc["relu"]); len(acc["relu"]) != 3 || m >= meanOf(acc["softmax"]) {
		t.Errorf("relu's accuracies %v: mean %v, want 3 trials below softmax's mean %v", acc["relu"], m, meanOf(acc["softmax"]))
	}
	for i := 1; i < len(ranked); i++ {
		if ranked[i] > ranked[i-1] {
			t.Errorf("results are not ranked by test_accuracy: %v after %v", ranked[i], ranked[i-1])
		}
	}
	if !strings.Contains(table, top.Name) {
		t.Errorf("table does not show the best trial %s", top.Name)
	}
}

// maxOf returns the largest of v (v holds no NaN: the test checked).
func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// meanOf returns the mean of v, NaN for none.
func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
