package collect

import (
	"context"
	"io"

	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// A tail read asks for the last TailLines lines of a finished trial's log,
// at most TailBytes of them (one GET with tailLines and limitBytes, as
// `kubectl logs --tail --limit-bytes`), instead of the whole log that a
// long training run writes.
//
// When the tail stands for the whole log: the metrics a ranking reads are
// the last value of each, so they are at the log's end when the trial
// printed them there. The experiment file says which: spec.results.metric
// and spec.results.columns. A tail read is kept when it is the whole log
// (fewer lines and bytes than asked) or when it reports every metric the
// file names; the metrics it reports are then the log's last values.
// Otherwise the whole log is read (a second GET): the file names no metric,
// or one of them was printed only before the tail (a summary at start).
// --refresh, curves (report, a search's driver) and whole-log openers given
// by the caller always read whole logs.
const (
	TailLines int64 = 200
	TailBytes int64 = 1 << 20
)

// OpenLogTailFunc opens the last lines (at most bytes bytes) of the log of
// one container of a pod.
type OpenLogTailFunc func(ctx context.Context, ns, pod, container string, lines, bytes int64) (io.ReadCloser, error)

// tailNames returns the metrics a tail read must report to stand for the
// whole log: those spec names, normalised as logmetrics names them; nil
// when it names none.
func tailNames(spec ranking.Spec) []string {
	var out []string
	for _, n := range append([]string{spec.Metric}, spec.Columns...) {
		if n != "" {
			out = append(out, logmetrics.NormalizeName(n))
		}
	}
	return out
}

// parseTail reads the tail of an item's log into its metrics; ok is false
// when the tail does not stand for the whole log (see TailLines), and the
// item is left as it was.
func (o *Options) parseTail(ctx context.Context, parser *logmetrics.Parser, it *Item, names []string) (ok bool, err error) {
	rc, err := o.OpenLogTail(ctx, it.Pod.Namespace, it.Pod.Name, it.container, TailLines, TailBytes)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	counted := &countingReader{r: rc}
	var lines []string
	if err := eachLine(counted, func(l string) { lines = append(lines, l) }); err != nil {
		return false, err
	}
	cut := counted.n >= TailBytes
	if cut && len(lines) > 0 {
		lines = lines[1:] // limitBytes cut the log mid-line: its first line may be a part
	}
	series := parser.NewSeries()
	for _, l := range lines {
		series.Add(l)
	}
	last := series.Last()
	whole := !cut && int64(len(lines)) < TailLines
	if whole {
		it.Metrics, it.Curves = last, curves(series)
		return true, nil
	}
	for _, n := range names {
		if _, ok := last[n]; !ok {
			return false, nil
		}
	}
	// The tail's curves are only their ends: none, as for a recorded trial.
	it.Metrics, it.Curves = last, nil
	return true, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// clientLogTail reads the tail of a container's current log through the API server.
func (o *Options) clientLogTail(ctx context.Context, ns, pod, container string, lines, bytes int64) (io.ReadCloser, error) {
	return o.Client.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{Container: container, TailLines: &lines, LimitBytes: &bytes}).Stream(ctx)
}
