package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/submit"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// The baselines' rows, which the plugin's rows give their ratio to.
const (
	rawRow            = "client-go creates (baseline)"
	applyRow          = "kubectl apply -f (baseline)"
	deleteBaselineRow = "kubectl delete jobs -l --cascade=background (baseline)"
	getJobsRow        = "kubectl get jobs -l (baseline)"
	getPodsRow        = "kubectl get pods -l (baseline)"
	logsBaselineRow   = "kubectl logs -l --prefix of the sample (baseline)"
)

// interruptRows are the rows of Bench.Interrupt.
var interruptRows = []string{"submit, Ctrl-C after half the writes", "submit again after Ctrl-C"}

// simulatedRows are the rows of Bench.simulatedRun, for -only.
func simulatedRows() []string {
	out := []string{"trials finished (KWOK)"}
	for _, w := range []string{"submit", "status", "list", "status -w", "results", "results again (recorded)", "top", "events",
		"logs --all of a sample", "logs --all -f of a sample", "delete", getJobsRow, getPodsRow} {
		out = append(out, w+ranSuffix)
	}
	return append(out, logsBaselineRow)
}

// selected reports whether -only selects the row named what (its command,
// with its suffix, e.g. "status (ran)").
func (b *Bench) selected(what string) bool {
	return b.cfg.Only == nil || b.cfg.Only.MatchString(what)
}

// anySelected reports whether -only selects one of the rows named whats.
func (b *Bench) anySelected(whats ...string) bool {
	for _, w := range whats {
		if b.selected(w) {
			return true
		}
	}
	return false
}

// baselines measures the writes submit and delete are compared with: raw
// client-go creates of the same rendered Jobs with submit's workers and
// client rate limit, kubectl delete of those Jobs, and kubectl apply -f of
// submit's --dry-run=client -o yaml, each in a fresh namespace deleted
// afterwards.
func (b *Bench) baselines(ctx context.Context, n int, file string) error {
	ns, err := b.cluster.NewNamespace(ctx, fmt.Sprintf("mlexp-bench-raw-%d", n))
	if err != nil {
		return err
	}
	jobs, renderTime, err := RenderJobs(file, ns)
	if err != nil {
		return err
	}
	b.table.Add(Row{N: n, What: "render (in the bench, for the baseline)", Run: Run{Wall: renderTime, Requests: -1}, InProc: true})
	// The plugin's client: kube.FlagsGetter's QPS and Burst (NewCluster)
	// and protobuf (FlagsGetter.KubernetesClientSet); submit's workers.
	raw := RawCreate(ctx, kube.Protobuf(b.cluster.Config), jobs, submit.DefaultConcurrency)
	fmt.Fprintf(b.log, "  %-60s %8s  %s\n", "client-go creates", round(raw.Wall), raw.RequestsText())
	row := b.table.Add(Row{N: n, What: rawRow, Run: raw, InProc: true,
		Note: fmt.Sprintf("%d workers, %g QPS, burst %d: submit's", submit.DefaultConcurrency, b.cluster.Config.QPS, b.cluster.Config.Burst)})
	b.expectJobs(ctx, row, ns, n)
	if b.anySelected("delete", deleteBaselineRow) && !row.Failed {
		// kubectl's own --wait waits for the objects one by one (minutes
		// for 1,000 on a busy machine): the bench waits for the List to
		// be empty instead, as delete does, and adds that time.
		start := time.Now()
		run := b.runner.Kubectl(ctx, ns, "delete", "jobs", "-l", keys.ForExperiment(expName), "--cascade=background", "--wait=false")
		row := b.table.Add(Row{N: n, What: deleteBaselineRow, Run: run})
		b.expectOK(row)
		if run.Err == nil {
			err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Minute, true, func(ctx context.Context) (bool, error) {
				jobs, err := b.cluster.Jobs(ctx, ns, keys.ForExperiment(expName))
				return err == nil && len(jobs) == 0, nil
			})
			row.Run.Wall = time.Since(start)
			row.Note = fmt.Sprintf("until the Jobs are gone (kubectl %s of it)", seconds(run.Wall))
			if err != nil {
				row.fail("Jobs not gone: " + err.Error())
			}
		}
		b.expectJobs(ctx, row, ns, 0)
	}
	if err := b.cluster.DeleteNamespace(ctx, ns); err != nil {
		return err
	}
	if !b.anySelected("submit", applyRow, "submit --dry-run=client -o yaml") {
		return nil
	}
	yaml := filepath.Join(b.dir, fmt.Sprintf("jobs-%d.yaml", n))
	ns, err = b.cluster.NewNamespace(ctx, fmt.Sprintf("mlexp-bench-apply-%d", n))
	if err != nil {
		return err
	}
	run := b.runner.MlexpTo(ctx, yaml, ns, "submit", "-f", file, "--dry-run=client", "-o", "yaml")
	b.table.Add(Row{N: n, What: "submit --dry-run=client -o yaml", Run: run, Failed: run.Err != nil})
	run = b.runner.Kubectl(ctx, ns, "apply", "-f", yaml)
	row = b.table.Add(Row{N: n, What: applyRow, Run: run, Failed: run.Err != nil})
	if run.Err == nil {
		b.expectJobs(ctx, row, ns, n)
	}
	return b.cluster.DeleteNamespace(ctx, ns)
}

// kubectlGet measures kubectl get of the experiment's Jobs and of its
// pods, the baselines of status and list.
func (b *Bench) kubectlGet(ctx context.Context, n int, ns, suffix string) {
	sel := keys.ForExperiment(expName)
	for _, c := range []struct{ what, resource string }{{getJobsRow, "jobs"}, {getPodsRow, "pods"}} {
		run := b.runner.Kubectl(ctx, ns, "get", c.resource, "-l", sel)
		row := b.table.Add(Row{N: n, What: c.what + suffix, Run: run})
		b.expectOK(row)
	}
}

// noteRatio adds to row its wall time and peak RSS as ratios to those of
// the baseline row of the same N (when it ran), named as.
func (b *Bench) noteRatio(row *Row, baseline, as string) {
	base := b.table.Find(row.N, baseline)
	if base == nil || base.Failed {
		return
	}
	note := ratio(row.Run.Wall, base.Run.Wall) + " " + as
	if !base.InProc && base.Run.MaxRSS > 0 {
		note += fmt.Sprintf(" (RSS %.2fx)", float64(row.Run.MaxRSS)/float64(base.Run.MaxRSS))
	}
	row.Note = strings.TrimLeft(row.Note+", "+note, ", ")
}

// noteGetRatio adds to a status or list row its ratios to kubectl get of
// the same Jobs and pods: wall against both gets' sum (the command lists
// both), peak RSS against the larger.
func (b *Bench) noteGetRatio(row *Row, suffix string) {
	jobs, pods := b.table.Find(row.N, getJobsRow+suffix), b.table.Find(row.N, getPodsRow+suffix)
	if jobs == nil || pods == nil || jobs.Failed || pods.Failed {
		return
	}
	note := fmt.Sprintf("%s kubectl get jobs+pods (RSS %.2fx)", ratio(row.Run.Wall, jobs.Run.Wall+pods.Run.Wall),
		float64(row.Run.MaxRSS)/float64(max(jobs.Run.MaxRSS, pods.Run.MaxRSS, 1)))
	row.Note = strings.TrimLeft(row.Note+", "+note, ", ")
}
