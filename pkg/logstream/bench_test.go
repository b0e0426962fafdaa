package logstream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// benchStreams is how many containers the benchmarks fan in.
const benchStreams = 64

// benchBlock is 1,000 distinct lines as the kubelet sends them, ~100 bytes each.
var benchBlock = func() []byte {
	var b []byte
	for i := range 1000 {
		ts := t0.Add(time.Duration(i) * time.Millisecond).Format("2006-01-02T15:04:05.000000000Z07:00")
		b = fmt.Appendf(b, "%s Epoch %d/10 - step %4d - loss: 0.%04d - accuracy: 0.%04d\n", ts, i%10+1, i, 9999-i, i)
	}
	return b
}()

// lineReader serves lines of benchBlock, over and over, without allocating.
type lineReader struct {
	left  int // lines still to serve
	off   int
	onEOL func() // called once per line served
}

func (r *lineReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		if r.off == len(benchBlock) {
			r.off = 0
		}
		end := r.off + bytes.IndexByte(benchBlock[r.off:], '\n') + 1
		c := copy(p[n:], benchBlock[r.off:end])
		n += c
		r.off += c
		if r.off == end {
			r.left--
			if r.onEOL != nil {
				r.onEOL()
			}
		}
	}
	return n, nil
}

func (r *lineReader) Close() error { return nil }

// benchFollow follows benchStreams running containers that write total
// lines between them and end, through the engine to io.Discard.
func benchFollow(b *testing.B, total int, format Format, onEOL func()) Summary {
	w := make(fakeWatch, 2)
	var v view
	for i := range benchStreams {
		j := testJob("mnist", i, `{"activation":"relu","dropout":0.2}`, "")
		v.jobs, v.pods = append(v.jobs, j), append(v.pods, testPod(&j, 1, corev1.PodRunning))
	}
	var opened sync.Map
	open := func(_ context.Context, t *Target, o *corev1.PodLogOptions) (io.ReadCloser, error) {
		if _, again := opened.LoadOrStore(t.Pod, true); again {
			return &lineReader{}, nil // the final read after the container ended
		}
		n := total / benchStreams
		if t.Index < total%benchStreams {
			n++
		}
		return &lineReader{left: n, onEOL: onEOL}, nil
	}
	done := v
	for i := range benchStreams {
		done = done.finished(i, corev1.PodSucceeded, batchv1.JobComplete)
	}
	w <- v
	w <- done
	sum, err := Run(context.Background(), Config{Namespace: "ns", Experiment: "mnist", Follow: true, Tail: -1,
		MaxRequests: benchStreams, Format: format, Out: io.Discard, ErrOut: io.Discard, OpenStream: open, Watch: w.watch})
	if err != nil {
		b.Fatal(err)
	}
	return sum
}

// BenchmarkFanIn measures the engine over 64 streams: one op is one line
// read, split, formatted and written, so allocs/op is allocations per line.
func BenchmarkFanIn(b *testing.B) {
	for _, f := range []struct {
		name   string
		format Format
	}{{"text", Format{}}, {"json", Format{JSON: true, Params: true}}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(benchBlock) / 1000))
			start := time.Now()
			sum := benchFollow(b, b.N, f.format, nil)
			b.ReportMetric(float64(sum.Lines)/time.Since(start).Seconds(), "lines/s")
			if sum.Lines != int64(b.N) {
				b.Fatalf("%d lines written, want %d", sum.Lines, b.N)
			}
		})
	}
}

// BenchmarkFollowHeap shows that the follower's memory stays flat as lines
// flow: the live heap after N lines and after 10N lines of 64 streams.
func BenchmarkFollowHeap(b *testing.B) {
	const n = 200_000
	for range b.N {
		var lines atomic.Int64
		var at1, at10 uint64
		var once1, once10 sync.Once
		sample := func() uint64 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return ms.HeapInuse
		}
		benchFollow(b, 10*n+benchStreams, Format{}, func() {
			switch lines.Add(1) {
			case n:
				once1.Do(func() { at1 = sample() })
			case 10 * n:
				once10.Do(func() { at10 = sample() })
			}
		})
		b.ReportMetric(float64(at1)/(1<<20), "heap-MB@200k")
		b.ReportMetric(float64(at10)/(1<<20), "heap-MB@2M")
	}
}

// BenchmarkOnce measures reading 64 finished containers' logs once, in
// trial order: one op is one line.
func BenchmarkOnce(b *testing.B) {
	var jobs []batchv1.Job
	var pods []corev1.Pod
	for i := range benchStreams {
		j := testJob("mnist", i, `{}`, batchv1.JobComplete)
		jobs, pods = append(jobs, j), append(pods, testPod(&j, 1, corev1.PodSucceeded))
	}
	client := fakeClient(jobs, pods)
	per := b.N/benchStreams + 1
	open := func(context.Context, *Target, *corev1.PodLogOptions) (io.ReadCloser, error) {
		return &lineReader{left: per}, nil
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	sum, err := Run(context.Background(), Config{Client: client, Namespace: "ns", Experiment: "mnist", Tail: -1,
		MaxRequests: 8, Out: io.Discard, ErrOut: io.Discard, OpenStream: open})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(sum.Lines)/time.Since(start).Seconds(), "lines/s")
}
