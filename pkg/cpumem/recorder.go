package cpumem

import (
	"context"
	"fmt"
	"io"
	"maps"
	"sort"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// PeakFieldManager names the writer of the peak-usage annotation in
// managedFields, apart from submit's server-side apply.
const PeakFieldManager = keys.FieldManager + "-usage"

// PeakRaise is how much a peak must grow, relative to what its Job
// records, before a watcher writes it again (the last write is exact).
const PeakRaise = 1.05

// PeakRecorder keeps each trial's peak CPU and memory over the samples of
// a watch, starting from what the Jobs recorded, and, when Record is set,
// writes raised peaks on the Jobs (annotation keys.PeakUsage).
type PeakRecorder struct {
	Client      kubernetes.Interface
	ErrOut      io.Writer
	Record      bool
	MaxRequests int

	mu        sync.Mutex
	peaks     map[string]Peak   // trial -> peak seen
	written   map[string]Peak   // trial -> peak on its Job
	ns        map[string]string // trial -> namespace
	forbidden atomic.Bool
}

// NewPeakRecorder returns a recorder seeded with the peaks the Jobs record.
func NewPeakRecorder(c kubernetes.Interface, errOut io.Writer, record bool, maxRequests int) *PeakRecorder {
	return &PeakRecorder{Client: c, ErrOut: errOut, Record: record, MaxRequests: max(1, maxRequests),
		peaks: map[string]Peak{}, written: map[string]Peak{}, ns: map[string]string{}}
}

// Seed reads the peaks recorded on jobs (a bad annotation counts as none).
func (r *PeakRecorder) Seed(jobs []batchv1.Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range jobs {
		j := &jobs[i]
		r.ns[j.Name] = j.Namespace
		v, ok := j.Annotations[keys.PeakUsage]
		if !ok {
			continue
		}
		p, err := DecodePeak(v)
		if err != nil {
			continue
		}
		r.written[j.Name] = p
		r.peaks[j.Name] = r.peaks[j.Name].Merge(p)
	}
}

// Observe adds one sample of each row that has one.
func (r *PeakRecorder) Observe(rows []Row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, row := range rows {
		if row.Usage == nil {
			continue
		}
		r.peaks[row.Trial] = r.peaks[row.Trial].Add(*row.Usage)
	}
}

// Peaks returns a copy of every trial's peak.
func (r *PeakRecorder) Peaks() map[string]Peak {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Peak, len(r.peaks))
	maps.Copy(out, r.peaks)
	return out
}

// Flush writes, when Record is set, the peaks that rose above their Job's
// record: by PeakRaise during a watch, by any amount when final. It stops
// at the first Forbidden and says so once; other failures are one warning.
func (r *PeakRecorder) Flush(ctx context.Context, final bool) {
	if !r.Record || r.forbidden.Load() {
		return
	}
	r.mu.Lock()
	var todo []string
	for name, p := range r.peaks {
		if due(p, r.written[name], final) {
			todo = append(todo, name)
		}
	}
	sort.Strings(todo)
	vals := make(map[string]Peak, len(todo))
	for _, name := range todo {
		vals[name] = r.peaks[name]
	}
	r.mu.Unlock()
	var failed atomic.Int32
	var first atomic.Value
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.MaxRequests)
	for _, name := range todo {
		g.Go(func() error {
			if r.forbidden.Load() {
				return nil
			}
			err := kube.AnnotateJob(gctx, r.Client, r.namespace(name), name, map[string]string{keys.PeakUsage: vals[name].Encode()}, PeakFieldManager)
			switch {
			case err == nil:
				r.mu.Lock()
				r.written[name] = vals[name]
				r.mu.Unlock()
			case apierrors.IsForbidden(err):
				if r.forbidden.CompareAndSwap(false, true) {
					fmt.Fprintf(r.ErrOut, "warning: cannot record peak usage on the Jobs (%v); drop --record\n", err)
				}
			default:
				if failed.Add(1) == 1 {
					first.Store(fmt.Sprintf("%s: %v", name, err))
				}
			}
			return nil
		})
	}
	_ = g.Wait()
	if n := failed.Load(); n > 0 {
		fmt.Fprintf(r.ErrOut, "warning: could not record the peak usage of %d trials (first: %s)\n", n, first.Load())
	}
}

func (r *PeakRecorder) namespace(trial string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ns[trial]
}

// SetNamespace tells the recorder where a trial's Job lives.
func (r *PeakRecorder) SetNamespace(trial, ns string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ns[trial] = ns
}

// due reports whether peak p is worth writing over the recorded one.
func due(p, written Peak, final bool) bool {
	if p.IsZero() {
		return false
	}
	if final || written.IsZero() {
		return p.Raised(written)
	}
	return grew(p.CPU, written.CPU) || grew(p.Memory, written.Memory)
}

func grew(now, was *int64) bool {
	if now == nil {
		return false
	}
	if was == nil {
		return true
	}
	return float64(*now) > float64(*was)*PeakRaise
}
