package collect

import (
	"context"
	"sync"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// FollowRecorder records the metrics of the logs a follower (logs -f) read
// whole, as results would: a later results then reads none of them again.
// Its Observe is a logstream.Config.Observe; Finish records.
type FollowRecorder struct {
	// Recorder writes the records.
	Recorder Recorder

	mu      sync.Mutex
	parsers map[string]*logmetrics.Parser // by the Job's results spec
	logs    map[string]*followedLog       // by trial
}

// followedLog is what one trial's metrics container logged.
type followedLog struct {
	job    *batchv1.Job
	pod    string
	key    string // the patterns' key
	metric string // the file's metric, kept first when a record is cut
	series *logmetrics.Series
	whole  bool
}

// Line implements logstream.Observer.
func (l *followedLog) Line(msg []byte) { l.series.Add(string(msg)) }

// End implements logstream.Observer.
func (l *followedLog) End(whole bool) { l.whole = whole }

// Observe returns the observer of t's log when its container is the one
// whose log holds the metrics (as results chooses it), else nil.
func (r *FollowRecorder) Observe(t *logstream.Target, job *batchv1.Job, pod *corev1.Pod) logstream.Observer {
	if t.Container != logstream.DefaultContainer(pod) {
		return nil
	}
	specText := job.Annotations[ranking.SpecAnnotation]
	spec, err := ranking.DecodeSpec(specText)
	if err != nil {
		return nil // results warns about it
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.parsers == nil {
		r.parsers, r.logs = map[string]*logmetrics.Parser{}, map[string]*followedLog{}
	}
	p, ok := r.parsers[specText]
	if !ok {
		if p, err = logmetrics.NewWithFilters(spec.Patterns, spec.Filters); err != nil {
			return nil
		}
		r.parsers[specText] = p
	}
	l := &followedLog{job: job.DeepCopy(), pod: pod.Name, key: ranking.PatternsKey(spec.Patterns, spec.Filters...),
		metric: logmetrics.NormalizeName(spec.Metric), series: p.NewLastSeries()}
	r.logs[t.Trial] = l // a newer pod's log replaces an older one's
	return l
}

// Finish records the metrics of every trial of statuses (the follower's
// last view) that has finished and whose newest pod's log was read whole;
// it returns how many records it wrote.
func (r *FollowRecorder) Finish(ctx context.Context, statuses []trial.Status) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	byKey := map[[2]string][]*Item{}
	for _, s := range statuses {
		l := r.logs[s.Name]
		if l == nil || !l.whole || !s.State.Finished() || s.Pod != l.pod {
			continue
		}
		m := l.series.Last()
		if len(m) == 0 {
			continue // results may still find a termination message
		}
		it := &Item{Status: s, Job: l.job, Pod: &corev1.Pod{}, Metrics: m, Source: ranking.SourceLog, Fresh: true}
		it.Pod.Name, it.Pod.Namespace = l.pod, l.job.Namespace
		if rec, err := ranking.DecodeRecord(l.job.Annotations[keys.Results]); err == nil && rec.Patterns == l.key && rec.Pod == l.pod {
			continue // recorded already from this pod with these patterns
		}
		k := [2]string{l.key, l.metric}
		byKey[k] = append(byKey[k], it)
	}
	n := 0
	for k, items := range byKey {
		n += len(r.Recorder.Record(ctx, items, k[1], k[0]))
	}
	return n
}
