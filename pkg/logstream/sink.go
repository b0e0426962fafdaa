package logstream

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// chunkSize is how many bytes of formatted lines a stream gathers before
// handing them to the writer; a stream that has nothing more to read hands
// over what it has at once.
const chunkSize = 32 << 10

// chunk is a run of whole formatted lines of one stream. The writer writes
// a chunk with one Write, so lines of different streams never mix.
type chunk struct {
	b     []byte
	lines int
}

var chunkPool = sync.Pool{New: func() any { return &chunk{b: make([]byte, 0, chunkSize+4<<10)} }}

func getChunk() *chunk { return chunkPool.Get().(*chunk) }

func putChunk(c *chunk) {
	if cap(c.b) > 4*chunkSize {
		return // grown by a huge line: let it go
	}
	c.b, c.lines = c.b[:0], 0
	chunkPool.Put(c)
}

// sink is the one writer of a run's output: it alone calls Write on Out.
type sink struct {
	w      io.Writer
	lines  int64
	err    error
	cancel context.CancelFunc // stops the run when Out fails
}

// write writes c whole and recycles it.
func (s *sink) write(c *chunk) {
	if s.err == nil && len(c.b) > 0 {
		if _, err := s.w.Write(c.b); err != nil {
			s.err = err
			s.cancel()
		} else {
			s.lines += int64(c.lines)
		}
	}
	putChunk(c)
}

// drain writes every chunk of ch until it is closed.
func (s *sink) drain(ch <-chan *chunk) {
	for c := range ch {
		s.write(c)
	}
}

// warner writes whole warning lines to ErrOut from any goroutine.
type warner struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *warner) printf(format string, args ...any) {
	if w.w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.w, format+"\n", args...)
}
