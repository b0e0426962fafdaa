package logmetrics

import (
	"fmt"
	"testing"
)

// benchLog is 24 trials of the trainer's output plus a mix of other common
// shapes (Keras 2 progress, tqdm bars, JSON, timestamps, plain chatter).
func benchLog() []string {
	var lines []string
	for trial := range 24 {
		lines = append(lines, fmt.Sprintf("['trainer', '--train-samples', '20000', '10', 'softmax', '0.%d']", trial%10),
			"20000 train samples", "10000 test samples",
			"Model: Dense(64, relu) -> Dropout(0.2) -> Dense(64, relu) -> Dropout(0.2) -> Dense(10, softmax); 55050 params")
		for e := 1; e <= 10; e++ {
			lines = append(lines, fmt.Sprintf("Epoch %d/10", e),
				fmt.Sprintf("157/157 - 1s - loss: 0.%04d - acc: 0.%04d - val_loss: 0.%04d - val_acc: 0.%04d", 1000+e, 9000+e, 1100+e, 9100+e))
		}
		lines = append(lines, "Test loss: 0.1478", "Test accuracy: 0.9568")
	}
	lines = append(lines,
		"469/469 [==============================] - 2s 4ms/step - loss: 0.2466 - accuracy: 0.9243 - val_loss: 0.1091 - val_accuracy: 0.9663",
		"Training:   3%|▎         | 30/1000 [00:02<01:08, 14.29it/s]",
		`{"epoch": 3, "accuracy": 0.97, "loss": 0.1}`,
		"2024-01-15T10:30:00.123456789Z Test accuracy: 0.98",
		"Downloading data from https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
		"\x1b[32mINFO\x1b[0m starting worker 3 of 8",
	)
	return lines
}

// BenchmarkSeries measures parsing whole logs into a Series, the results
// command's path; it reports lines per second.
func BenchmarkSeries(b *testing.B) {
	lines := benchLog()
	bytes := 0
	for _, l := range lines {
		bytes += len(l) + 1
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	for b.Loop() {
		s := (*Parser)(nil).NewSeries()
		for _, l := range lines {
			s.Add(l)
		}
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkParseLine measures single lines of typical shapes.
func BenchmarkParseLine(b *testing.B) {
	for name, line := range map[string]string{
		"epoch-line": "157/157 - 1s - loss: 0.1456 - acc: 0.9553 - val_loss: 0.1478 - val_acc: 0.9568",
		"test":       "Test accuracy: 0.9812",
		"chatter":    "Model: Dense(64, relu) -> Dropout(0.2) -> Dense(64, relu) -> Dropout(0.2) -> Dense(10, softmax); 55050 params",
		"tqdm":       "Training:   3%|▎         | 30/1000 [00:02<01:08, 14.29it/s]",
		"json":       `{"epoch": 3, "accuracy": 0.97, "loss": 0.1}`,
	} {
		b.Run(name, func(b *testing.B) {
			var p Parser
			buf := make([]Point, 0, 8)
			b.ReportAllocs()
			for b.Loop() {
				buf = p.AppendPoints(buf[:0], line)
			}
		})
	}
}
