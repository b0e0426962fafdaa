package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// expName is the name of every bench experiment.
const expName = "scale"

// Scale measures one experiment size: the write baselines, submit, a no-op
// re-submit, the read commands and delete on suspended trials, then the
// same on trials that ran on simulated nodes.
func (b *Bench) Scale(ctx context.Context, n int) error {
	shape, err := ShapeFor(n, b.cfg.Sample)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "\n== %d trials (%d parts x %d)\n", n, shape.Parts, shape.PerPart)
	file, err := writeFile(b.dir, fmt.Sprintf("suspended-%d.yaml", n), ExperimentFile(expName, shape, Suspended, b.nodes, "echo part ${part} trial ${i}"))
	if err != nil {
		return err
	}
	if !b.cfg.Check && b.anySelected("submit", rawRow, applyRow, "submit --dry-run=client -o yaml", "delete", deleteBaselineRow) {
		if err := b.baselines(ctx, n, file); err != nil {
			return err
		}
	}
	ns, err := b.cluster.NewNamespace(ctx, fmt.Sprintf("mlexp-bench-%d", n))
	if err != nil {
		return err
	}
	defer b.dropNamespace(ns)
	b.submitAndRead(ctx, n, ns, file, "")
	if b.cfg.Interrupt && b.anySelected(interruptRows...) {
		if err := b.Interrupt(ctx, n, file); err != nil {
			return err
		}
	}
	if !b.anySelected(simulatedRows()...) {
		return nil
	}
	if b.simulated == 0 {
		b.table.Add(Row{N: n, What: "trials on simulated nodes", Skipped: b.simulatedWhy})
		return nil
	}
	return b.simulatedRun(ctx, n, shape)
}

// submitAndRead submits file into ns, submits it again, runs the read
// commands and deletes the experiment; suffix tells the rows apart. The
// first submit always runs: every other row needs its trials.
func (b *Bench) submitAndRead(ctx context.Context, n int, ns, file, suffix string) {
	run := b.runner.Mlexp(ctx, ns, "submit", "-f", file)
	row := b.table.Add(Row{N: n, What: "submit" + suffix, Run: run})
	b.expectOK(row)
	b.expectLines(row, " created", n)
	b.expectJobs(ctx, row, ns, n)
	if suffix == "" {
		b.noteRatio(row, rawRow, "raw creates")
		b.noteRatio(row, applyRow, "kubectl apply")
	}

	if b.selected("submit again (no-op)" + suffix) {
		run = b.runner.Mlexp(ctx, ns, "submit", "-f", file)
		row = b.table.Add(Row{N: n, What: "submit again (no-op)" + suffix, Run: run})
		b.expectOK(row)
		b.expectLines(row, " unchanged", n)
		if strings.Contains(run.Detail, "patch") || strings.Contains(run.Detail, "create") {
			row.fail("wrote: " + run.Detail)
		}
	}
	b.readCommands(ctx, n, ns, suffix)
	b.deleteExperiment(ctx, n, ns, suffix)
}

// deleteExperiment runs delete and checks that no Job is left; when delete
// is not selected, dropping the namespace cleans up instead.
func (b *Bench) deleteExperiment(ctx context.Context, n int, ns, suffix string) {
	if !b.selected("delete" + suffix) {
		return
	}
	run := b.runner.Mlexp(ctx, ns, "delete", expName)
	row := b.table.Add(Row{N: n, What: "delete" + suffix, Run: run})
	b.expectOK(row)
	b.expectJobs(ctx, row, ns, 0)
	b.noteRatio(row, deleteBaselineRow, "kubectl delete")
}

// readCommands runs status, list and status -w on an experiment of n
// trials in ns, with kubectl get of its Jobs and pods beside them.
func (b *Bench) readCommands(ctx context.Context, n int, ns, suffix string) {
	if !b.cfg.Check && b.anySelected("status"+suffix, "list"+suffix, getJobsRow+suffix, getPodsRow+suffix) {
		b.kubectlGet(ctx, n, ns, suffix)
	}
	if b.selected("status" + suffix) {
		run := b.runner.Mlexp(ctx, ns, "status", expName)
		row := b.table.Add(Row{N: n, What: "status" + suffix, Run: run})
		b.expectOK(row)
		if got := summaryTotal(run.Stdout); got != n {
			row.fail(fmt.Sprintf("summary counts %d trials", got))
		}
		b.noteGetRatio(row, suffix)
	}
	if b.selected("list" + suffix) {
		run := b.runner.Mlexp(ctx, ns, "list")
		row := b.table.Add(Row{N: n, What: "list" + suffix, Run: run})
		b.expectOK(row)
		if listTrials(run.Stdout, expName) != n {
			row.fail("no row with " + strconv.Itoa(n) + " trials")
		}
		b.noteGetRatio(row, suffix)
	}
	if b.selected("status -w" + suffix) {
		b.statusWatch(ctx, n, ns, suffix)
	}
}

// statusWatch runs status -w until it has printed a row per trial (and
// ends by itself when every trial has finished), else interrupts it as a
// user would with Ctrl-C.
func (b *Bench) statusWatch(ctx context.Context, n int, ns, suffix string) {
	s, err := b.runner.Start(ctx, ns, "status", expName, "-w")
	if err != nil {
		b.table.Add(Row{N: n, What: "status -w" + suffix, Failed: true, Note: err.Error()})
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for s.Lines() < n+1 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			if s.Cmd.ProcessState != nil {
				return
			}
		}
		_ = s.Cmd.Process.Signal(interruptSignal)
	}()
	run := s.Wait()
	<-done
	row := b.table.Add(Row{N: n, What: "status -w" + suffix, Run: run, Note: "until every row is printed, then Ctrl-C"})
	b.expectOK(row)
	if run.Lines < n+1 {
		row.fail(fmt.Sprintf("printed %d lines", run.Lines))
	}
	if run.PeakOpen > 4 {
		row.fail(fmt.Sprintf("%d requests open at once", run.PeakOpen))
	}
}

// summaryTotal reads N of the "N trials: ..." line of status.
func summaryTotal(out string) int {
	m := regexp.MustCompile(`(?m)^(\d+) trials?\b`).FindAllStringSubmatch(out, -1)
	if len(m) == 0 {
		return -1
	}
	v, _ := strconv.Atoi(m[len(m)-1][1])
	return v
}

// expectOK marks row failed when its command failed.
func (b *Bench) expectOK(row *Row) {
	if row.Run.Err != nil {
		row.fail(firstLine(row.Run.Err.Error()))
		fmt.Fprintf(b.log, "  FAILED: %v\n", row.Run.Err)
	}
}

// expectLines checks that n lines of stdout end with suffix.
func (b *Bench) expectLines(row *Row, suffix string, n int) {
	if got := countLines(row.Run.Stdout, suffix); got != n {
		row.fail(fmt.Sprintf("%d lines end with %q, want %d", got, suffix, n))
	}
}

// expectJobs checks that ns holds n Jobs of the experiment, one per trial.
func (b *Bench) expectJobs(ctx context.Context, row *Row, ns string, n int) {
	jobs, err := b.cluster.Jobs(ctx, ns, keys.ForExperiment(expName))
	if err != nil {
		row.fail(err.Error())
		return
	}
	trials := map[string]bool{}
	for _, j := range jobs {
		trials[j.Labels[keys.Trial]] = true
	}
	if len(jobs) != n || len(trials) != n {
		row.fail(fmt.Sprintf("%d Jobs for %d distinct trials, want %d", len(jobs), len(trials), n))
	}
}

// fail marks the row failed with why.
func (r *Row) fail(why string) {
	r.Failed = true
	r.Note = strings.TrimSpace(r.Note + " " + why)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// listTrials returns the TRIALS column of experiment name's row in a
// `list` table (the columns before it change: QUEUE, NAMESPACE), or -1.
func listTrials(table, name string) int {
	lines := strings.Split(table, "\n")
	if len(lines) < 2 {
		return -1
	}
	col := slices.Index(strings.Fields(lines[0]), "TRIALS")
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if col >= 0 && col < len(f) && slices.Contains(f[:col], name) {
			if v, err := strconv.Atoi(f[col]); err == nil {
				return v
			}
		}
	}
	return -1
}
