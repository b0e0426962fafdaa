package results

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/sync/errgroup"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
	"github.com/mlexp/kubectl-mlexp/pkg/progress"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// maxLineBytes is the longest log line parsed; the rest of a longer line is skipped.
const maxLineBytes = 64 << 10

// item is one trial on its way to a row: what was found, what to read and
// what was read.
type item struct {
	status    trial.Status
	job       *batchv1.Job
	pod       *corev1.Pod // the newest pod; nil when there is none
	container string      // the container whose log holds the metrics
	recorded  *ranking.Record
	readLog   bool // the log must be read (one GET)

	logErr   error
	metrics  map[string]float64
	curves   map[string][]ranking.CurvePoint
	source   string
	fresh    bool // metrics read from the pod now, not from the record
	fromRecd bool
}

// plan pairs each trial with its Job, newest pod and record, and decides
// whose log to read: a pod that has started, unless the trial finished and
// its metrics were recorded with the same patterns (or refresh is set).
func plan(statuses []trial.Status, jobs []batchv1.Job, pods []corev1.Pod, key string, refresh bool) []*item {
	jobByName := make(map[string]*batchv1.Job, len(jobs))
	for i := range jobs {
		jobByName[jobs[i].Namespace+"/"+jobs[i].Name] = &jobs[i]
	}
	podByName := make(map[string]*corev1.Pod, len(pods))
	for i := range pods {
		podByName[pods[i].Namespace+"/"+pods[i].Name] = &pods[i]
	}
	items := make([]*item, len(statuses))
	for i, s := range statuses {
		it := &item{status: s, job: jobByName[s.Namespace+"/"+s.Name]}
		if s.Pod != "" {
			it.pod = podByName[s.Namespace+"/"+s.Pod]
		}
		if it.job != nil {
			if v, ok := it.job.Annotations[labels.Results]; ok {
				if r, err := ranking.DecodeRecord(v); err == nil {
					it.recorded = &r
				}
			}
		}
		if it.pod != nil {
			it.container = logstream.DefaultContainer(it.pod)
			current := it.recorded != nil && it.recorded.Patterns == key && s.State.Finished()
			it.readLog = it.container != "" && started(it.pod) && (!current || refresh)
		}
		items[i] = it
	}
	return items
}

// started reports whether a container of pod has run, so it has a log.
func started(pod *corev1.Pod) bool {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.State.Running != nil || cs.State.Terminated != nil || cs.LastTerminationState.Terminated != nil {
			return true
		}
	}
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// readLogs reads the logs the plan asked for, MaxRequests at a time (with
// progress on stderr past progress.Threshold logs), then settles every
// item's metrics; it warns once about logs it could not read.
func (o *Options) readLogs(ctx context.Context, parser *logmetrics.Parser, items []*item) {
	n := 0
	for _, it := range items {
		if it.readLog {
			n++
		}
	}
	meter := progress.New(o.ErrOut, "reading logs", n, o.IsTerminal != nil && o.IsTerminal(o.ErrOut), nil)
	g := errgroup.Group{}
	g.SetLimit(o.MaxRequests)
	for _, it := range items {
		if !it.readLog {
			continue
		}
		g.Go(func() error {
			it.logErr = o.parseLog(ctx, parser, it)
			meter.Step()
			return nil
		})
	}
	_ = g.Wait()
	meter.Done()
	var failed []*item
	for _, it := range items {
		it.settle(parser)
		if it.logErr != nil {
			failed = append(failed, it)
		}
	}
	if len(failed) > 0 {
		noun := "trial"
		if len(failed) > 1 {
			noun = "trials"
		}
		fmt.Fprintf(o.ErrOut, "warning: could not read the log of %d %s (first: pod %s: %v)\n", len(failed), noun, failed[0].pod.Name, failed[0].logErr)
	}
}

// parseLog reads one container's log line by line into a metrics series.
func (o *Options) parseLog(ctx context.Context, parser *logmetrics.Parser, it *item) error {
	rc, err := o.OpenLog(ctx, it.pod.Namespace, it.pod.Name, it.container)
	if err != nil {
		return err
	}
	defer rc.Close()
	series := parser.NewSeries()
	if err := eachLine(rc, series.Add); err != nil {
		return err
	}
	it.metrics = series.Last()
	it.curves = curves(series)
	return nil
}

// eachLine calls fn with each line of r, without its line ending; of a line
// longer than maxLineBytes only its start.
func eachLine(r io.Reader, fn func(string)) error {
	br := bufio.NewReaderSize(r, 16<<10)
	var long []byte // a line longer than the reader's buffer, so far
	for {
		frag, isPrefix, err := br.ReadLine()
		if isPrefix || long != nil {
			if room := maxLineBytes - len(long); room > 0 {
				long = append(long, frag[:min(room, len(frag))]...)
			}
			if isPrefix && err == nil {
				continue
			}
			frag, long = long, nil
		}
		if err == nil || len(frag) > 0 {
			fn(string(frag))
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// settle chooses the item's metrics: a log read now (merged over the
// termination message), else the metrics recorded on the Job, else the
// termination message.
func (it *item) settle(parser *logmetrics.Parser) {
	var term map[string]float64
	if it.pod != nil {
		term = terminationMetrics(it.pod, it.container, parser)
	}
	switch {
	case it.readLog && it.logErr == nil:
		merged := make(map[string]float64, len(term)+len(it.metrics))
		for k, v := range term {
			merged[k] = v
		}
		for k, v := range it.metrics {
			merged[k] = v
		}
		it.source = ranking.SourceLog
		if len(it.metrics) == 0 && len(term) > 0 {
			it.source = ranking.SourceTerminationMessage
		}
		it.metrics, it.fresh = merged, true
	case it.recorded != nil:
		it.metrics, it.curves, it.source, it.fromRecd = it.recorded.PlainMetrics(), nil, it.recorded.Source, true
	case len(term) > 0:
		it.metrics, it.curves, it.source, it.fresh = term, nil, ranking.SourceTerminationMessage, true
	default:
		it.metrics, it.curves = nil, nil
	}
}

// rankingTrial returns the item as the ranking's input.
func (it *item) rankingTrial() ranking.Trial {
	t := ranking.Trial{
		Name: it.status.Name, Params: it.status.Params, State: it.status.State,
		PodGone: it.pod == nil && it.status.State.Finished(),
		Metrics: it.metrics, Curves: it.curves, FromRecord: it.fromRecd,
	}
	if len(it.metrics) > 0 {
		t.Source = it.source
	}
	switch {
	case it.pod != nil:
		t.Pod = it.pod.Name
	case it.fromRecd:
		t.Pod = it.recorded.Pod
	}
	return t
}
