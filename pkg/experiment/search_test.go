package experiment

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

var (
	algorithmName = regexp.MustCompile(`(?m)^  algorithm:\n    algorithmName: (\S+)`)
	stopperName   = regexp.MustCompile(`(?m)^  earlyStopping:\n    algorithmName: (\S+)`)
)

// TestKatibAdaptiveExamples reads Katib's own examples of adaptive searches
// (testdata/katib/adaptive) into the model: each must parse.
func TestKatibAdaptiveExamples(t *testing.T) {
	files, err := filepath.Glob("../../testdata/katib/adaptive/*.yaml")
	if err != nil || len(files) != 10 {
		t.Fatalf("want the 10 example files, got %v, %v", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			algo := algorithmName.FindSubmatch(data)[1]
			stop := stopperName.FindSubmatch(data)
			exp, err := Parse(file, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if string(algo) == "random" && stop == nil {
				if exp.Search != nil || exp.Space.Size() != 12 {
					t.Errorf("random without early stopping: got search %+v and %d trials, want every trial at once", exp.Search, exp.Space.Size())
				}
				return
			}
			s := exp.Search
			if s == nil || s.Algorithm != string(algo) {
				t.Fatalf("search %+v, want algorithm %s", s, algo)
			}
			if want := min(s.Parallel, s.MaxTrials); exp.Space.Size() != want {
				t.Errorf("first batch of %d trials, want %d", exp.Space.Size(), want)
			}
			for _, w := range exp.Warnings {
				if strings.Contains(w, "not enforced") || strings.Contains(w, "not applied") && strings.Contains(w, "metricStrategies") {
					t.Errorf("warning %q for an adaptive search, which the driver enforces", w)
				}
			}
			if w := exp.ParallelWarning(false); w != "" {
				t.Errorf("parallel warning %q for an adaptive search", w)
			}
		})
	}
}

// TestKatibDrive checks the search of a Katib random file driven with
// --drive: Katib's counts and objective, random_state as the seed, and a
// first batch that is the algorithm's first suggestions, in order.
func TestKatibDrive(t *testing.T) {
	data, err := os.ReadFile("../../testdata/katib/random.yaml")
	if err != nil {
		t.Fatal(err)
	}
	exp, err := Parse("random.yaml", data, Options{Drive: true})
	if err != nil {
		t.Fatal(err)
	}
	s := exp.Search
	if s == nil {
		t.Fatal("no search")
	}
	target := 0.001
	want := model.Objective{Metric: "loss", Goal: search.Minimize, Target: &target, Strategies: map[string]string{"loss": "min"}}
	if diff := cmp.Diff(want, s.Objective); diff != "" {
		t.Errorf("objective (-want +got):\n%s", diff)
	}
	if s.Algorithm != "random" || s.Parallel != 3 || s.MaxTrials != 12 || s.MaxFailed != 3 || s.Seed != model.SeedOf("random") || len(s.Space) != 2 {
		t.Errorf("search %+v", s)
	}
	alg, err := search.New(s.Config())
	if err != nil {
		t.Fatal(err)
	}
	sugg, err := alg.Suggest(nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	points, _, err := exp.Space.Expand()
	if err != nil || len(points) != 3 {
		t.Fatalf("first batch: %d trials, %v; want 3", len(points), err)
	}
	for i, pt := range points {
		if got, want := pt.Params.String(), sugg[i].Params.String(); got != want {
			t.Errorf("trial %d is %s, suggestion %d is %s", i, got, i, want)
		}
	}
	if len(exp.Warnings) != 0 || exp.ParallelWarning(false) != "" {
		t.Errorf("warnings %q, %q: want none when driven", exp.Warnings, exp.ParallelWarning(false))
	}
}

// TestKatibSearchErrors checks that what the algorithm refuses is an
// error at the file's line: an unknown setting lists the known ones.
func TestKatibSearchErrors(t *testing.T) {
	in := katibFile{spec: "  maxTrialCount: 4\n"}.String()
	in = strings.Replace(in, "algorithmName: grid\n", "algorithmName: random\n    algorithmSettings: [{name: n_startup_trials, value: \"3\"}]\n", 1)
	_, err := Parse("k.yaml", []byte(in), Options{Drive: true, Getenv: noEnv})
	want := "k.yaml:12:32: algorithm random: unknown setting n_startup_trials for algorithm random: want random_state"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	in = strings.Replace(in, "n_startup_trials", "random_state", 1)
	in = strings.Replace(in, "\"3\"", "\"-3\"", 1)
	_, err = Parse("k.yaml", []byte(in), Options{Drive: true, Getenv: noEnv})
	if want := "k.yaml:12:53: random_state must be an integer of at least 0, got the string \"-3\""; err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

// TestKatibDistributions checks that Katib's random file with normal,
// logUniform and logNormal parameters, with a step, runs at once with
// every value within its bounds and on its step.
func TestKatibDistributions(t *testing.T) {
	data, err := os.ReadFile("../../testdata/katib/adaptive/hyperopt-distribution.yaml")
	if err != nil {
		t.Fatal(err)
	}
	exp, err := Parse("h.yaml", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	points, _, err := exp.Space.Expand()
	if err != nil || len(points) != 12 {
		t.Fatalf("%d trials, %v; want 12", len(points), err)
	}
	steps := map[string]bool{}
	for _, pt := range points {
		for _, p := range pt.Params {
			f, _ := search.Float(p.Value)
			switch p.Name {
			case "lr":
				k := (f - 0.01) / 0.01
				if f < 0.01 || f > 0.05 || k-float64(int(k+0.5)) > 1e-9 || k-float64(int(k+0.5)) < -1e-9 {
					t.Errorf("lr %v: want one of 0.01, 0.02, ..., 0.05", f)
				}
				steps[p.Name+params.Format(p.Value)] = true
			case "epochs", "batch_size":
				if _, ok := p.Value.(int64); !ok || p.Name == "epochs" && (f < 1 || f > 3) || p.Name == "batch_size" && (f < 32 || f > 64) {
					t.Errorf("%s %v (%T): want an integer within its bounds", p.Name, p.Value, p.Value)
				}
			}
		}
	}
	if len(steps) < 2 {
		t.Errorf("lr took the values %v: want a spread", steps)
	}
}

// TestSearchRoundTrip checks that a Katib file's search written in the
// mlexp format (convert) reads back to the same search and first batch.
func TestSearchRoundTrip(t *testing.T) {
	in := katibFile{spec: "  parallelTrialCount: 2\n  maxTrialCount: 9\n  maxFailedTrialCount: 0\n",
		parameters: "  parameters:\n" +
			"    - {name: lr, parameterType: double, feasibleSpace: {min: \"0.01\", max: \"0.05\", step: \"0.01\", distribution: normal}}\n" +
			"    - {name: num-layers, parameterType: int, feasibleSpace: {min: \"1\", max: \"8\", distribution: logUniform}}\n" +
			"    - {name: opt, parameterType: categorical, feasibleSpace: {list: [sgd, \"1\"]}}\n" +
			"    - {name: batch, parameterType: discrete, feasibleSpace: {list: [\"16\", \"32.5\"]}}\n"}.String()
	in = strings.Replace(in, "algorithmName: grid\n", "algorithmName: random\n    algorithmSettings: [{name: random_state, value: \"7\"}]\n", 1)
	in = strings.Replace(in, "objectiveMetricName: Validation-accuracy\n", "objectiveMetricName: Validation-accuracy\n    additionalMetricNames: [loss]\n    metricStrategies: [{name: loss, value: latest}]\n", 1)
	in = strings.Replace(in, `"--layers=${trialParameters.numLayers}"`, `"--layers=${trialParameters.numLayers}", "${trialParameters.o}", "${trialParameters.b}"`, 1)
	in = strings.Replace(in, "      - {name: numLayers, reference: num-layers}\n", "      - {name: numLayers, reference: num-layers}\n      - {name: o, reference: opt}\n      - {name: b, reference: batch}\n", 1)
	exp, err := Parse("k.yaml", []byte(in), Options{Drive: true, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	out, err := MarshalNative(exp, nil)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("k2.yaml", out, Options{Getenv: noEnv})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if diff := cmp.Diff(exp.Search, back.Search, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Pos" }, cmp.Ignore())); diff != "" {
		t.Errorf("search (-katib +mlexp):\n%s\n%s", diff, out)
	}
	a, _, _ := exp.Space.Expand()
	b, _, _ := back.Space.Expand()
	if len(a) != 2 || len(a) != len(b) {
		t.Fatalf("first batches of %d and %d trials, want 2", len(a), len(b))
	}
	for i := range a {
		if a[i].Params.String() != b[i].Params.String() {
			t.Errorf("trial %d: %s, read back %s", i, a[i].Params, b[i].Params)
		}
	}
	if exp.Search.Seed != 7 || exp.Search.MaxFailed != 0 || exp.Search.Objective.Strategies["loss"] != "latest" {
		t.Errorf("search %+v", exp.Search)
	}
}
