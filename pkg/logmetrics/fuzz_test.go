package logmetrics

import (
	"strings"
	"testing"
)

// FuzzParseLine checks that no line makes the parser panic, that every name is
// a non-empty normalised name, and that a Series agrees with ParseLine.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		"Test accuracy: 0.9812", "loss=0.12", "469/469 [====] - 2s 4ms/step - loss: 0.2466 - accuracy: 0.9243",
		`{"epoch": 3, "accuracy": 0.97}`, "Epoch 3/10", "Training:   3%|▎         | 30/1000 [00:02<01:08, 14.29it/s]",
		"\x1b[32mloss\x1b[0m: 0.25", "2024-01-15T10:30:00Z acc=97.5%", "x: 1e999", "'a b': -inf", "loss: tensor(0.1",
		"Epoch 3: 100%|█| 1/1 [00:00<00:00, 9it/s, loss=0.1]", "\r\r\b", "%|", "9%|", "epoch 99999999999999999999",
	} {
		f.Add(s)
	}
	p, err := New([]string{`score (?P<score>\S+)`, `(?P<epoch>\d+)ep`})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, parser := range []*Parser{nil, p} {
			pts := parser.ParseLine(line)
			for _, pt := range pts {
				if pt.Name == "" || strings.ContainsAny(pt.Name, " \tABCDEFGHIJKLMNOPQRSTUVWXYZ") {
					t.Fatalf("ParseLine(%q): bad name %q", line, pt.Name)
				}
				if pt.Step < -1 {
					t.Fatalf("ParseLine(%q): step %d", line, pt.Step)
				}
			}
			s := parser.NewSeries()
			s.Add(line)
			if len(s.Names()) > len(pts) {
				t.Fatalf("series has %d names from %d points", len(s.Names()), len(pts))
			}
		}
	})
}
