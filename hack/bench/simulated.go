package main

import (
	"context"
	"fmt"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// ranSuffix marks the rows of trials that ran on simulated nodes.
const ranSuffix = " (ran)"

// simulatedRun submits n trials to the simulated nodes, waits until every
// one has finished but the part that runs long, and measures the commands
// that read what trials leave behind: status, list, results, top (of the
// running part), events, logs of a finished sample, delete.
func (b *Bench) simulatedRun(ctx context.Context, n int, shape Shape) error {
	if shape.Parts < 2 {
		b.table.Add(Row{N: n, What: "trials on simulated nodes", Skipped: "fewer trials than two samples (-sample)"})
		return nil
	}
	file, err := writeFile(b.dir, fmt.Sprintf("simulated-%d.yaml", n),
		ExperimentFile(expName, shape, Simulated, b.nodes, "echo part ${part} trial ${i}; echo Test accuracy: 0.${i}"))
	if err != nil {
		return err
	}
	ns, err := b.cluster.NewNamespace(ctx, fmt.Sprintf("mlexp-bench-ran-%d", n))
	if err != nil {
		return err
	}
	defer b.dropNamespace(ns)
	run := b.runner.Mlexp(ctx, ns, "submit", "-f", file)
	row := b.table.Add(Row{N: n, What: "submit" + ranSuffix, Run: run, Note: fmt.Sprintf("to %d simulated nodes", b.simulated)})
	b.expectOK(row)
	if run.Err != nil {
		return nil
	}
	took, jobs, err := b.cluster.WaitFinished(ctx, ns, keys.ForExperiment(expName), n, n-shape.PerPart, b.cfg.Timeout)
	row = b.table.Add(Row{N: n, What: "trials finished (KWOK)", Run: Run{Wall: took, Requests: -1}, InProc: true})
	if err != nil {
		row.fail(err.Error())
		return nil
	}
	row.Note = fmt.Sprintf("%d Jobs finished, %d running (part %d), from submit's end", finished(jobs), n-finished(jobs), RunningPart)
	b.readCommands(ctx, n, ns, ranSuffix)

	for _, c := range []struct {
		what string
		args []string
	}{
		{"results", []string{"results", expName}},
		{"results again (recorded)", []string{"results", expName}},
		{"top", []string{"top", expName}},
		{"events", []string{"events", expName}},
	} {
		// The first results records what the second reads: it runs for both.
		if !b.selected(c.what+ranSuffix) && (c.what != "results" || !b.selected("results again (recorded)"+ranSuffix)) {
			continue
		}
		run := b.runner.Mlexp(ctx, ns, c.args...)
		row := b.table.Add(Row{N: n, What: c.what + ranSuffix, Run: run})
		b.expectOK(row)
	}
	b.sampleLogs(ctx, n, ns, shape)
	b.deleteExperiment(ctx, n, ns, ranSuffix)
	return nil
}

// sampleLogs reads the logs of the sample part that finished with logs
// --all, with and without -f, beside kubectl logs -l --prefix of the same
// trials.
func (b *Bench) sampleLogs(ctx context.Context, n int, ns string, shape Shape) {
	sample := fmt.Sprintf("bench-part=p%d", RunningPart+1)
	rows := []struct {
		what string
		args []string
	}{
		{"logs --all of a sample", []string{"logs", expName, "--all", "-l", sample}},
		{"logs --all -f of a sample", []string{"logs", expName, "--all", "-f", "-l", sample}},
	}
	if !b.anySelected(logsBaselineRow, rows[0].what+ranSuffix, rows[1].what+ranSuffix) {
		return
	}
	if !b.cfg.Check {
		run := b.runner.Kubectl(ctx, ns, "logs", "-l", keys.ForExperiment(expName)+","+sample, "--prefix", "--tail=-1",
			fmt.Sprintf("--max-log-requests=%d", shape.PerPart))
		row := b.table.Add(Row{N: n, What: logsBaselineRow, Run: run, Note: fmt.Sprintf("%d lines", run.Lines)})
		b.expectOK(row)
	}
	for _, c := range rows {
		if !b.selected(c.what + ranSuffix) {
			continue
		}
		run := b.runner.Mlexp(ctx, ns, c.args...)
		row := b.table.Add(Row{N: n, What: c.what + ranSuffix, Run: run, Note: fmt.Sprintf("%d trials, %d lines", shape.PerPart, run.Lines)})
		b.expectOK(row)
		if run.Lines == 0 {
			row.fail("no line")
		}
		b.noteRatio(row, logsBaselineRow, "kubectl logs")
	}
}
