// Package logstream fans the logs of many containers of an experiment into
// one stream of whole, prefixed lines: one goroutine per container reads
// its log, one writer writes, a semaphore caps open requests, and a broken
// stream resumes from its last timestamp. It never imports cobra; the logs
// command builds its Config.
package logstream

import (
	"context"
	"io"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// DefaultMaxRequests is the default cap on concurrent log requests: enough
// to follow every trial of a 24-trial experiment with room for retries.
const DefaultMaxRequests = 50

// OpenFunc opens the log of a target with the given options.
type OpenFunc func(ctx context.Context, t *Target, opts *corev1.PodLogOptions) (io.ReadCloser, error)

// WatchFunc keeps a view of the Jobs and pods matching selector, like
// kube.WatchJobsAndPodsWith.
type WatchFunc func(ctx context.Context, c kubernetes.Interface, ns, selector string, changed kube.ChangeFunc) error

// Config is everything a run needs.
type Config struct {
	// Client lists and watches the experiment's Jobs and pods.
	Client kubernetes.Interface
	// Namespace and Experiment name the experiment.
	Namespace  string
	Experiment string
	// Filter chooses trials, pods and containers.
	Filter Filter
	// Format says how lines are written.
	Format Format
	// Follow streams new lines until every chosen trial has finished.
	Follow bool
	// Since, when positive, starts each log that many seconds ago.
	Since time.Duration
	// SinceTime, when set, starts each log at that time.
	SinceTime time.Time
	// Tail is how many of the last lines of each log to show; negative
	// shows all.
	Tail int64
	// MaxRequests caps concurrent log requests; streams beyond it wait.
	MaxRequests int
	// Out receives the lines; ErrOut warnings and the summary.
	Out    io.Writer
	ErrOut io.Writer
	// OpenStream opens one log; nil asks Client. Tests swap it.
	OpenStream OpenFunc
	// Watch watches the experiment in follow mode; nil means
	// kube.WatchJobsAndPodsWith.
	Watch WatchFunc
	// RetryDelay is the first pause before a broken stream is resumed; it
	// doubles up to 16 times as much. Zero means half a second.
	RetryDelay time.Duration
	// Observe, when set while following, is asked once per target for an
	// Observer of its log's lines (nil: none); job and pod are the
	// target's as the follower first saw them.
	Observe func(t *Target, job *batchv1.Job, pod *corev1.Pod) Observer
	// LossTimeout is how long following goes on while the API server does
	// not answer before it ends with an error; zero means
	// kube.ServerLossTimeout. Only the default Watch uses it.
	LossTimeout time.Duration
}

// logOptions returns the options of the first request of a target's log.
// Timestamps are always asked for: they are how a broken stream resumes.
func (c *Config) logOptions(t *Target) corev1.PodLogOptions {
	o := corev1.PodLogOptions{
		Container:  t.Container,
		Follow:     c.Follow,
		Previous:   c.Filter.Previous,
		Timestamps: true,
	}
	if c.Tail >= 0 {
		n := c.Tail
		o.TailLines = &n
	}
	if c.Since > 0 {
		s := int64(c.Since.Round(time.Second) / time.Second)
		o.SinceSeconds = &s
	}
	if !c.SinceTime.IsZero() {
		o.SinceTime = &metav1.Time{Time: c.SinceTime}
	}
	return o
}

// open returns OpenStream, or a function asking Client.
func (c *Config) open() OpenFunc {
	if c.OpenStream != nil {
		return c.OpenStream
	}
	return func(ctx context.Context, t *Target, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
		return c.Client.CoreV1().Pods(t.Namespace).GetLogs(t.Pod, opts).Stream(ctx)
	}
}

func (c *Config) retryDelay() time.Duration {
	if c.RetryDelay > 0 {
		return c.RetryDelay
	}
	return 500 * time.Millisecond
}

func (c *Config) maxRequests() int {
	if c.MaxRequests > 0 {
		return c.MaxRequests
	}
	return DefaultMaxRequests
}

// selector returns the label selector the run lists and watches by: every
// Job and pod of the experiment (Filter.Labels narrows the Jobs after).
func (c *Config) selector() string {
	return keys.ForExperiment(c.Experiment)
}

// watch returns Watch, or kube's watch that tells ErrOut when the API
// server stops answering and gives up after LossTimeout.
func (c *Config) watch() WatchFunc {
	if c.Watch != nil {
		return c.Watch
	}
	opts := kube.WatchOptions{LossTimeout: c.LossTimeout, Warn: c.ErrOut}
	return func(ctx context.Context, client kubernetes.Interface, ns, selector string, changed kube.ChangeFunc) error {
		return kube.WatchJobsAndPodsWith(ctx, client, ns, selector, opts, changed)
	}
}

// Observer sees the lines of one followed log, from one goroutine.
type Observer interface {
	// Line is one line's message, without its timestamp; it is only valid
	// during the call.
	Line(msg []byte)
	// End says the stream ended; whole says its container terminated and
	// its log was read to the end, with no line missed.
	End(whole bool)
}
