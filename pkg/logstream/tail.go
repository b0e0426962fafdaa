package logstream

import (
	"bufio"
	"context"
	"errors"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// targetState is what a follower knows of a target's container.
type targetState int

const (
	stateRunning targetState = iota // it may write more lines
	stateDone                       // it terminated: its log is complete
	stateGone                       // its pod was deleted
)

// maxFailures is how many rounds in a row may fail to read anything before
// a stream that is not followed (or a final drain) gives up.
const maxFailures = 3

// readerSize is the read buffer of one stream; longer lines are gathered.
const readerSize = 64 << 10

// errPodDeleted ends a stream whose pod was deleted.
var errPodDeleted = errors.New("pod deleted")

// tail reads the log of one target into chunks of whole formatted lines.
type tail struct {
	t     *Target
	cfg   *Config
	open  OpenFunc
	lf    lineFormat
	out   chan<- *chunk
	state func(*Target) targetState // nil unless following
	obs   Observer                  // nil unless observed
	warn  func(format string, args ...any)
	sleep func(context.Context, time.Duration) bool

	br    *bufio.Reader
	long  []byte   // a line longer than the read buffer
	held  []byte   // an incomplete last line, read again by the next round
	pos   position // where the stream has got to
	lines int64    // lines emitted
}

// newTail returns the reader of target t sending chunks to out.
func newTail(cfg *Config, t *Target, out chan<- *chunk, state func(*Target) targetState) *tail {
	return &tail{t: t, cfg: cfg, open: cfg.open(), lf: cfg.Format.compile(t), out: out, state: state, sleep: sleepCtx}
}

// run reads the target's log until it ends. Following, a stream that ends
// while the container still runs is resumed from its last timestamp; once
// the container has terminated, one last request without follow reads
// whatever a broken stream missed. It returns errPodDeleted when the pod
// went away, nil when ctx ends.
func (tl *tail) run(ctx context.Context) error {
	base := tl.cfg.logOptions(tl.t)
	// A container that has already ended is read without follow: the
	// kubelet flushes a followed stream line by line, which makes reading
	// a finished log several times slower.
	follow := base.Follow && tl.state != nil && tl.state(tl.t) == stateRunning
	failures := 0
	for {
		opts := base
		opts.Follow = follow
		var skip *skipper
		if since, s, ok := tl.pos.resume(); ok {
			opts.TailLines, opts.SinceSeconds, opts.LimitBytes = nil, nil, nil
			opts.SinceTime = &metav1.Time{Time: since}
			skip = &s
		}
		before := tl.lines
		err := tl.round(ctx, &opts, skip)
		if ctx.Err() != nil {
			return nil
		}
		if tl.lines > before {
			failures = 0
		} else {
			failures++ // a round that read nothing: back off
		}
		if apierrors.IsNotFound(err) {
			tl.flushHeld(ctx)
			return errPodDeleted
		}
		if permanent(err) {
			tl.flushHeld(ctx)
			return err
		}
		if tl.state == nil || !base.Follow {
			if err == nil || failures >= maxFailures {
				tl.flushHeld(ctx)
				return err
			}
			if !tl.sleep(ctx, tl.delay(failures)) {
				return nil
			}
			continue
		}
		switch tl.state(tl.t) {
		case stateGone:
			tl.flushHeld(ctx)
			return errPodDeleted
		case stateDone:
			if !follow && (err == nil || failures >= maxFailures) {
				tl.flushHeld(ctx)
				return err
			}
			if !follow && !tl.sleep(ctx, tl.delay(failures)) {
				return nil
			}
			follow = false // read what is left, then stop
		default:
			if failures == maxFailures && err != nil && tl.warn != nil {
				tl.warn("trial %s (pod %s, container %s): %v; still trying", tl.t.Trial, tl.t.Pod, tl.t.Container, err)
			}
			if !tl.sleep(ctx, tl.delay(failures)) {
				return nil
			}
		}
	}
}

// permanent reports whether err will not go away by asking again.
func permanent(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || apierrors.IsInvalid(err) || apierrors.IsMethodNotSupported(err)
}

// delay returns the pause before the next round: RetryDelay doubled for
// each round in a row that read nothing, at most 16 times.
func (tl *tail) delay(failures int) time.Duration {
	return tl.cfg.retryDelay() << min(max(failures-1, 0), 4)
}

// round makes one request and reads its lines.
func (tl *tail) round(ctx context.Context, opts *corev1.PodLogOptions, skip *skipper) error {
	tl.held = tl.held[:0]
	rc, err := tl.open(ctx, tl.t, opts)
	if err != nil {
		return err
	}
	defer rc.Close()
	return tl.read(ctx, rc, skip, opts.Follow)
}

// read reads whole lines from r, drops the ones skip says were seen, and
// sends them on in chunks: when a chunk is full, or when nothing more is
// buffered so the next read would wait. An incomplete last line is held
// back when the stream broke or will be resumed, so that the next round
// reads it whole. It returns nil at the end of the stream.
func (tl *tail) read(ctx context.Context, r io.Reader, skip *skipper, hold bool) error {
	if tl.br == nil {
		tl.br = bufio.NewReaderSize(r, readerSize)
	} else {
		tl.br.Reset(r)
	}
	defer tl.br.Reset(nil)
	c := getChunk()
	for {
		line, err := tl.readLine()
		complete := err == nil
		if complete {
			line = line[:len(line)-1]
		} else if len(line) > 0 && (err != io.EOF || hold) {
			tl.held = append(tl.held[:0], line...)
		} else if len(line) > 0 {
			complete = true // the log's last line has no newline
		}
		if complete {
			ts, t, msg, ok := SplitTimestamp(line)
			if skip == nil || !skip.drop(t, ok) {
				c.b = tl.lf.append(c.b, ts, msg)
				if tl.obs != nil {
					tl.obs.Line(msg)
				}
				c.lines++
				tl.lines++
				tl.pos.advance(ts)
			}
		}
		if len(c.b) > 0 && (err != nil || len(c.b) >= chunkSize || tl.br.Buffered() == 0) {
			if !tl.send(ctx, c) {
				return ctx.Err()
			}
			c = getChunk()
		}
		if err != nil {
			putChunk(c)
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// readLine returns the next line with its newline; at the end of the
// stream, what is left and the error.
func (tl *tail) readLine() ([]byte, error) {
	b, err := tl.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return b, err
	}
	if cap(tl.long) > 4*readerSize {
		tl.long = nil // do not keep a huge line's buffer
	}
	tl.long = append(tl.long[:0], b...)
	for err == bufio.ErrBufferFull {
		b, err = tl.br.ReadSlice('\n')
		tl.long = append(tl.long, b...)
	}
	return tl.long, err
}

// flushHeld emits a held incomplete line when no round will read it again.
func (tl *tail) flushHeld(ctx context.Context) {
	if len(tl.held) == 0 {
		return
	}
	ts, _, msg, _ := SplitTimestamp(tl.held)
	c := getChunk()
	c.b = tl.lf.append(c.b, ts, msg)
	if tl.obs != nil {
		tl.obs.Line(msg)
	}
	c.lines = 1
	tl.lines++
	tl.pos.advance(ts)
	tl.held = tl.held[:0]
	tl.send(ctx, c)
}

// send hands c to the writer; false when ctx ended first.
func (tl *tail) send(ctx context.Context, c *chunk) bool {
	select {
	case tl.out <- c:
		return true
	case <-ctx.Done():
		putChunk(c)
		return false
	}
}

// sleepCtx waits d or until ctx ends; false when ctx ended.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
