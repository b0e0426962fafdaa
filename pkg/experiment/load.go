package experiment

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
)

// Load reads and parses the experiment file at path; "-" reads stdin.
func Load(path string, opts Options) (*Experiment, error) {
	return LoadContext(context.Background(), path, opts)
}

// LoadContext reads and parses the experiment file at path; "-" reads
// stdin. A path must name a regular file: a directory, a named pipe or a
// device is refused before it is opened (opening a pipe would wait for a
// writer). Reading stdin ends when ctx does, so Ctrl-C and SIGTERM end a
// command whose stdin never comes.
func LoadContext(ctx context.Context, path string, opts Options) (*Experiment, error) {
	if path == "-" {
		return loadCancellable(ctx, "<stdin>", os.Stdin, opts)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, st); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadReader(path, f, opts)
}

// checkRegular refuses what is not a regular file of at most MaxFileSize.
func checkRegular(path string, st fs.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsDir():
		return &Error{File: path, Msg: "is a directory, not an experiment file"}
	case m&fs.ModeNamedPipe != 0:
		return &Error{File: path, Msg: "is a named pipe, not a regular file: to read a pipe, give -f - and redirect it to stdin"}
	case !m.IsRegular():
		return &Error{File: path, Msg: fmt.Sprintf("is not a regular file (%v): to read a stream, give -f - and redirect it to stdin", m.Type())}
	case st.Size() > MaxFileSize:
		return tooLarge(path, st.Size())
	}
	return nil
}

func tooLarge(file string, size int64) error {
	return &Error{File: file, Msg: fmt.Sprintf("file is %s: an experiment file is at most %s", model.ByteSize(size), model.ByteSize(MaxFileSize))}
}

// loadCancellable is LoadReader whose read gives up when ctx ends: a read
// of a terminal or a pipe blocks in the kernel, and nothing else can
// interrupt it. The reading goroutine is left to the process's exit.
func loadCancellable(ctx context.Context, filename string, r io.Reader, opts Options) (*Experiment, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := readLimited(filename, r)
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			return nil, res.err
		}
		return Parse(filename, res.data, opts)
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: interrupted while waiting for the experiment file", filename)
	}
}

// LoadReader reads an experiment file from r, at most MaxFileSize bytes;
// filename names it in errors.
func LoadReader(filename string, r io.Reader, opts Options) (*Experiment, error) {
	data, err := readLimited(filename, r)
	if err != nil {
		return nil, err
	}
	return Parse(filename, data, opts)
}

// readLimited reads r whole, or fails once it holds more than MaxFileSize
// bytes, having read only one more.
func readLimited(filename string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: filename, Msg: fmt.Sprintf("file is larger than %s, the most an experiment file may be", model.ByteSize(MaxFileSize))}
	}
	return data, nil
}

// checkSize refuses data over MaxFileSize, or with a line over
// MaxLineLength, before the YAML parser sees it.
func checkSize(filename string, data []byte) error {
	if len(data) > MaxFileSize {
		return tooLarge(filename, int64(len(data)))
	}
	line := 1
	for rest := data; len(rest) > 0; line++ {
		n := bytes.IndexByte(rest, '\n')
		if n < 0 {
			n = len(rest)
		}
		if n > MaxLineLength {
			return &Error{File: filename, Pos: Pos{Line: line},
				Msg: fmt.Sprintf("line is %s long: at most %s", model.ByteSize(int64(n)), model.ByteSize(MaxLineLength))}
		}
		rest = rest[min(n+1, len(rest)):]
	}
	return nil
}
