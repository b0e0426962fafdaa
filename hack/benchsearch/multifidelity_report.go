package main

import (
	"fmt"
	"strings"
)

// multiFidelityMarkdown writes the Hyperband and median-stopping tables.
func (r *Results) multiFidelityMarkdown(b *strings.Builder) {
	cfg := r.Config
	if !cfg.MultiFidelity {
		return
	}
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("#### Hyperband, multi-fidelity Hartmann-6 (%d epochs at most)\n\n", cfg.MaxEpochs)
	if r.HyperbandStatus != "" {
		w("hyperband: %s.\n\n", r.HyperbandStatus)
	} else {
		var epochs, trials, hb, rnd []float64
		for _, h := range r.Hyperband {
			epochs = append(epochs, float64(h.Epochs))
			trials = append(trials, float64(h.RandomTrials))
			hb = append(hb, h.Regret)
			rnd = append(rnd, h.RandomRegret)
		}
		w("Hyperband runs until it has nothing left to propose (or %d epochs); random search then gets as many full %d-epoch trials as fit in the epochs Hyperband consumed, on the same seed. Regret of each search's answer trained for the full epochs.\n\n", cfg.HyperbandMaxTotal, cfg.MaxEpochs)
		w("| search | epochs consumed | regret | hyperband/random | p |\n|---|---|---|---:|---:|\n")
		w("| hyperband | %s | %s | %.2f | %.2g |\n", quartiles(epochs), quartiles(hb), ratio(Median(hb), Median(rnd)), MannWhitneyLess(hb, rnd))
		w("| random, %s full trials | same | %s | | |\n\n", quartiles(trials), quartiles(rnd))
	}
	w("#### Median stopping, multi-fidelity Hartmann-6\n\n")
	if r.StopStatus != "" {
		w("medianstop: %s.\n\n", r.StopStatus)
		return
	}
	var epochs, saved, stopped, with, without []float64
	for _, s := range r.Stop {
		epochs = append(epochs, float64(s.Epochs))
		saved = append(saved, 100*(1-float64(s.Epochs)/float64(s.FullEpochs)))
		stopped = append(stopped, float64(s.Stopped))
		with = append(with, s.Regret)
		without = append(without, s.FullRegret)
	}
	w("Random search, %d trials of %d epochs in batches of %d; after every epoch `medianstop` sees every trial. The same trials without stopping for comparison.\n\n", cfg.StopTrials, cfg.MaxEpochs, cfg.Batch)
	w("| search | epochs consumed | epochs saved (%%) | trials stopped | regret |\n|---|---|---|---|---|\n")
	w("| random | %d | 0 | 0 | %s |\n", cfg.StopTrials*cfg.MaxEpochs, quartiles(without))
	w("| random + medianstop | %s | %s | %s | %s |\n\n", quartiles(epochs), quartiles(saved), quartiles(stopped), quartiles(with))
	w("Regret with stopping is %.2fx the regret without (medians).\n\n", ratio(Median(with), Median(without)))
}
