package logmetrics

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// trainerLog is examples/mnist's trainer output, as kubectl logs shows it.
const trainerLog = `['trainer', '--train-samples', '20000', '--hidden', '64', '--test-samples', '10000', '2', 'softmax', '0.2']
20000 train samples
10000 test samples
Model: Dense(64, relu) -> Dropout(0.2) -> Dense(64, relu) -> Dropout(0.2) -> Dense(10, softmax); 55050 params
Epoch 1/2
157/157 - 1s - loss: 0.8216 - acc: 0.7489 - val_loss: 0.3398 - val_acc: 0.9016
Epoch 2/2
157/157 - 1s - loss: 0.3567 - acc: 0.8963 - val_loss: 0.2561 - val_acc: 0.9253
Test loss: 0.2561
Test accuracy: 0.9253`

func addAll(s *Series, log string) {
	for _, l := range strings.Split(log, "\n") {
		s.Add(l)
	}
}

func TestSeriesTrainerLog(t *testing.T) {
	s := (*Parser)(nil).NewSeries()
	addAll(s, trainerLog)
	wantLast := map[string]float64{
		"loss": 0.3567, "acc": 0.8963, "val_loss": 0.2561, "val_acc": 0.9253,
		"test_loss": 0.2561, "test_accuracy": 0.9253,
	}
	if diff := cmp.Diff(wantLast, s.Last()); diff != "" {
		t.Errorf("Last (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"loss", "acc", "val_loss", "val_acc", "test_loss", "test_accuracy"}, s.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	wantVal := []Point{
		{Name: "val_acc", Value: 0.9016, Step: 1, Line: 6},
		{Name: "val_acc", Value: 0.9253, Step: 2, Line: 8},
	}
	curves := s.Curves()
	if diff := cmp.Diff(wantVal, curves["val_acc"]); diff != "" {
		t.Errorf("Curves[val_acc] (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Point{{Name: "test_accuracy", Value: 0.9253, Step: 2, Line: 10}}, curves["test_accuracy"]); diff != "" {
		t.Errorf("Curves[test_accuracy] (-want +got):\n%s", diff)
	}
	if s.Lines() != 10 || s.Epoch() != 2 {
		t.Errorf("Lines %d Epoch %d, want 10 and 2", s.Lines(), s.Epoch())
	}
}

func TestSeriesSteps(t *testing.T) {
	tests := map[string]struct {
		log  string
		want map[string][]Point
	}{
		"metrics before any epoch": {
			"lr=0.1\nEpoch 1/3\nloss: 0.5",
			map[string][]Point{"lr": {{Name: "lr", Value: 0.1, Step: -1, Line: 1}}, "loss": {{Name: "loss", Value: 0.5, Step: 1, Line: 3}}},
		},
		"json epochs": {
			`{"epoch": 1, "loss": 0.9}` + "\n" + `{"epoch": 2, "loss": 0.4}` + "\n" + `{"test_acc": 0.8}`,
			map[string][]Point{
				"loss":     {{Name: "loss", Value: 0.9, Step: 1, Line: 1}, {Name: "loss", Value: 0.4, Step: 2, Line: 2}},
				"test_acc": {{Name: "test_acc", Value: 0.8, Step: 2, Line: 3}},
			},
		},
		"lightning bar with epoch on the line": {
			"Epoch 0: 100%|██████████| 10/10 [00:01<00:00, 9.80it/s, v_num=0, train_loss=0.5]\nEpoch 1: 100%|██████████| 10/10 [00:01<00:00, 9.80it/s, v_num=0, train_loss=0.3]",
			map[string][]Point{"train_loss": {{Name: "train_loss", Value: 0.5, Step: 0, Line: 1}, {Name: "train_loss", Value: 0.3, Step: 1, Line: 2}}},
		},
		"nan kept": {
			"Epoch 1/1\nloss: nan",
			map[string][]Point{"loss": {{Name: "loss", Value: math.NaN(), Step: 1, Line: 2}}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := (&Parser{}).NewSeries()
			addAll(s, tc.log)
			if diff := cmp.Diff(tc.want, s.Curves(), cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("Curves (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSeriesCustomPattern(t *testing.T) {
	p, err := New([]string{`score (?P<score>[0-9.]+)`})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSeries()
	addAll(s, "Epoch 1/2\nscore 0.5\nEpoch 2/2\nscore 0.75 loss=0.1")
	if diff := cmp.Diff(map[string]float64{"score": 0.75, "loss": 0.1}, s.Last()); diff != "" {
		t.Errorf("Last (-want +got):\n%s", diff)
	}
}

func TestSeriesResultsAreCopies(t *testing.T) {
	s := (*Parser)(nil).NewSeries()
	s.Add("a=1")
	s.Curves()["a"][0].Value = 9
	s.Names()[0] = "b"
	if diff := cmp.Diff(map[string]float64{"a": 1}, s.Last()); diff != "" {
		t.Errorf("Last after mutating results (-want +got):\n%s", diff)
	}
}

// TestLastSeriesKeepsNoCurve: the last values are the full series', the
// curves are not kept.
func TestLastSeriesKeepsNoCurve(t *testing.T) {
	p, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	full, last := p.NewSeries(), p.NewLastSeries()
	for _, l := range []string{"Epoch 1/2", "loss: 0.5 acc: 0.7", "Epoch 2/2", "loss: 0.25"} {
		full.Add(l)
		last.Add(l)
	}
	if got, want := last.Last(), full.Last(); len(got) != 2 || got["loss"] != want["loss"] || got["acc"] != want["acc"] {
		t.Errorf("last values %v, want %v", got, want)
	}
	if c := last.Curves(); len(c["loss"]) != 0 {
		t.Errorf("curves kept: %v", c)
	}
	if c := full.Curves(); len(c["loss"]) != 2 {
		t.Errorf("full series lost its curve: %v", c)
	}
}
