package collect

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/sync/errgroup"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
	"github.com/mlexp/kubectl-mlexp/pkg/progress"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// maxLineBytes is the longest log line parsed; the rest of a longer line is skipped.
const maxLineBytes = 64 << 10

// Item is one trial on its way to a ranking row: what was found, what to
// read and what was read.
type Item struct {
	// Status is the trial's state, parameters and times.
	Status trial.Status
	// Job is the trial's Job; nil only for a status without one.
	Job *batchv1.Job
	// Pod is the trial's newest pod; nil when there is none.
	Pod *corev1.Pod
	// Metrics holds the last value of each metric the trial reported.
	Metrics map[string]float64
	// Curves holds each metric's per-epoch values, when a log was read now.
	Curves map[string][]ranking.CurvePoint
	// Source is ranking.SourceLog or ranking.SourceTerminationMessage.
	Source string
	// Fresh says the metrics were read from the pod now, not from the record.
	Fresh bool

	container string // the container whose log holds the metrics
	recorded  *ranking.Record
	readLog   bool // the log must be read (one GET)
	logErr    error
	fromRecd  bool
}

// plan pairs each trial with its Job, newest pod and record, and decides
// whose log to read: a pod that has started, unless the trial finished and
// its metrics were recorded with the same patterns (or refresh is set);
// needs, when set, decides instead for a pod that has started.
func plan(statuses []trial.Status, jobs []batchv1.Job, pods []corev1.Pod, key string, refresh bool, needs func(*Item) bool) []*Item {
	jobByName := make(map[string]*batchv1.Job, len(jobs))
	for i := range jobs {
		jobByName[jobs[i].Namespace+"/"+jobs[i].Name] = &jobs[i]
	}
	podByName := make(map[string]*corev1.Pod, len(pods))
	for i := range pods {
		podByName[pods[i].Namespace+"/"+pods[i].Name] = &pods[i]
	}
	items := make([]*Item, len(statuses))
	for i, s := range statuses {
		it := &Item{Status: s, Job: jobByName[s.Namespace+"/"+s.Name]}
		if s.Pod != "" {
			it.Pod = podByName[s.Namespace+"/"+s.Pod]
		}
		if it.Job != nil {
			if v, ok := it.Job.Annotations[keys.Results]; ok {
				if r, err := ranking.DecodeRecord(v); err == nil {
					it.recorded = &r
				}
			}
		}
		if it.Pod != nil {
			it.container = logstream.DefaultContainer(it.Pod)
			current := it.recorded != nil && it.recorded.Patterns == key && s.State.Finished()
			it.readLog = it.container != "" && started(it.Pod) && (!current || refresh)
			if needs != nil {
				it.readLog = it.container != "" && started(it.Pod) && needs(it)
			}
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
// progress on ErrOut past progress.Threshold logs), then settles every
// item's metrics; it warns once about logs it could not read. With
// tailNames, a finished trial's log is read by its tail first (see
// TailLines).
func (o *Options) readLogs(ctx context.Context, parser *logmetrics.Parser, items []*Item, tailNames []string) {
	n := 0
	for _, it := range items {
		if it.readLog {
			n++
		}
	}
	meter := progress.New(o.ErrOut, "reading logs", n, o.Progress, nil)
	g := errgroup.Group{}
	g.SetLimit(o.MaxRequests)
	for _, it := range items {
		if !it.readLog {
			continue
		}
		g.Go(func() error {
			if len(tailNames) > 0 && it.Status.State.Finished() {
				ok, err := o.parseTail(ctx, parser, it, tailNames)
				if ok || err != nil {
					it.logErr = err
					meter.Step()
					return nil
				}
			}
			it.logErr = o.parseLog(ctx, parser, it)
			meter.Step()
			return nil
		})
	}
	_ = g.Wait()
	meter.Done()
	var failed []*Item
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
		fmt.Fprintf(o.ErrOut, "warning: could not read the log of %d %s (first: pod %s: %v)\n", len(failed), noun, failed[0].Pod.Name, failed[0].logErr)
	}
}

// parseLog reads one container's log line by line into a metrics series.
func (o *Options) parseLog(ctx context.Context, parser *logmetrics.Parser, it *Item) error {
	rc, err := o.OpenLog(ctx, it.Pod.Namespace, it.Pod.Name, it.container)
	if err != nil {
		return err
	}
	defer rc.Close()
	series := parser.NewSeries()
	if err := eachLine(rc, series.Add); err != nil {
		return err
	}
	it.Metrics = series.Last()
	it.Curves = curves(series)
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
func (it *Item) settle(parser *logmetrics.Parser) {
	var term map[string]float64
	if it.Pod != nil {
		term = terminationMetrics(it.Pod, it.container, parser)
	}
	switch {
	case it.readLog && it.logErr == nil:
		merged := make(map[string]float64, len(term)+len(it.Metrics))
		for k, v := range term {
			merged[k] = v
		}
		for k, v := range it.Metrics {
			merged[k] = v
		}
		it.Source = ranking.SourceLog
		if len(it.Metrics) == 0 && len(term) > 0 {
			it.Source = ranking.SourceTerminationMessage
		}
		it.Metrics, it.Fresh = merged, true
	case it.recorded != nil:
		it.Metrics, it.Curves, it.Source, it.fromRecd = it.recorded.PlainMetrics(), nil, it.recorded.Source, true
	case len(term) > 0:
		it.Metrics, it.Curves, it.Source, it.Fresh = term, nil, ranking.SourceTerminationMessage, true
	default:
		it.Metrics, it.Curves = nil, nil
	}
}

// RankingTrial returns the item as the ranking's input.
func (it *Item) RankingTrial() ranking.Trial {
	t := ranking.Trial{
		Name: it.Status.Name, Params: it.Status.Params, Labels: it.Status.Labels, State: it.Status.State, OOMNote: it.Status.OOMNote(),
		PodGone: it.Pod == nil && it.Status.State.Finished(),
		Metrics: it.Metrics, Curves: it.Curves, FromRecord: it.fromRecd,
	}
	if len(it.Metrics) > 0 {
		t.Source = it.Source
	}
	switch {
	case it.Pod != nil:
		t.Pod = it.Pod.Name
	case it.fromRecd:
		t.Pod = it.recorded.Pod
	}
	return t
}
