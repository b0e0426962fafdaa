package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// logsRounds is how many times each logs command runs, alternately; the
// table shows the median.
const logsRounds = 3

// LogsComparison runs trials on the real node that each print LogsLines
// lines, then reads all their logs with `logs --all` and with kubectl
// logs -l --prefix, with and without -f, alternately.
func (b *Bench) LogsComparison(ctx context.Context) error {
	n, lines := b.cfg.LogsTrials, b.cfg.LogsLines
	fmt.Fprintf(b.log, "\n== logs: %d trials x %d lines on the real node\n", n, lines)
	const name = "loud"
	script := fmt.Sprintf("seq 1 %d | sed 's/^/trial ${i} epoch 3 step /; s/$/ loss 0.2500 accuracy 0.9000/'", lines)
	file, err := writeFile(b.dir, "loud.yaml", ExperimentFile(name, Shape{Parts: 1, PerPart: n}, Real, b.nodes, script))
	if err != nil {
		return err
	}
	ns, err := b.cluster.NewNamespace(ctx, "mlexp-bench-logs")
	if err != nil {
		return err
	}
	defer b.dropNamespace(ns)
	if run := b.runner.Mlexp(ctx, ns, "submit", "-f", file); run.Err != nil {
		return run.Err
	}
	if _, _, err := b.cluster.WaitFinished(ctx, ns, keys.ForExperiment(name), n, n, b.cfg.Timeout); err != nil {
		return err
	}
	want := n * lines
	sel := keys.ForExperiment(name)
	maxReq := fmt.Sprintf("--max-log-requests=%d", n)
	pairs := []struct {
		what string
		run  func() Run
	}{
		{"logs --all (real pods)", func() Run { return b.runner.Mlexp(ctx, ns, "logs", name, "--all") }},
		{"kubectl logs -l --prefix (real pods)", func() Run {
			return b.runner.Kubectl(ctx, ns, "logs", "-l", sel, "--prefix", "--tail=-1", maxReq)
		}},
		{"logs --all -f (real pods)", func() Run { return b.runner.Mlexp(ctx, ns, "logs", name, "--all", "-f") }},
		{"kubectl logs -l --prefix -f (real pods)", func() Run {
			return b.runner.Kubectl(ctx, ns, "logs", "-l", sel, "--prefix", "--tail=-1", "-f", maxReq)
		}},
	}
	runs := make([][]Run, len(pairs))
	for range logsRounds {
		for i, p := range pairs {
			runs[i] = append(runs[i], p.run())
		}
	}
	for i, p := range pairs {
		med := median(runs[i])
		row := b.table.Add(Row{N: n, What: p.what, Run: med,
			Note: fmt.Sprintf("%d x %d lines; median of %d, RSS %s", n, lines, logsRounds, rssRange(runs[i]))})
		if i%2 == 1 {
			// Each plugin row, the one before, against kubectl: wall, CPU, memory.
			prev, base := &b.table.Rows[len(b.table.Rows)-2], row
			prev.Note += fmt.Sprintf("; against kubectl: wall %s, CPU %s, RSS %.2fx", ratio(prev.Run.Wall, base.Run.Wall),
				ratio(prev.Run.CPU, base.Run.CPU), float64(prev.Run.MaxRSS)/float64(max(base.Run.MaxRSS, 1)))
		}
		for _, r := range runs[i] {
			if r.Err != nil {
				row.fail(firstLine(r.Err.Error()))
			} else if r.Lines != want {
				row.fail(fmt.Sprintf("printed %d lines, want %d", r.Lines, want))
			}
		}
	}
	return nil
}

// median returns the run of median wall time, with the median peak RSS
// and CPU of all runs.
func median(runs []Run) Run {
	byWall := slices.Clone(runs)
	slices.SortFunc(byWall, func(a, b Run) int { return int(a.Wall - b.Wall) })
	m := byWall[len(byWall)/2]
	rss := make([]int64, len(runs))
	cpu := make([]time.Duration, len(runs))
	for i, r := range runs {
		rss[i], cpu[i] = r.MaxRSS, r.CPU
	}
	slices.Sort(rss)
	slices.Sort(cpu)
	m.MaxRSS, m.CPU = rss[len(rss)/2], cpu[len(cpu)/2]
	return m
}

// rssRange renders the lowest and highest peak RSS of runs.
func rssRange(runs []Run) string {
	lo, hi := runs[0].MaxRSS, runs[0].MaxRSS
	for _, r := range runs {
		lo, hi = min(lo, r.MaxRSS), max(hi, r.MaxRSS)
	}
	return fmt.Sprintf("%.0f-%.0f MiB", mib(lo), mib(hi))
}
