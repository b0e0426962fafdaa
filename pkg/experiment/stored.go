package experiment

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// maxStored bounds the stored experiment, compressed: annotations of one
// object may hold 256 KiB in all.
const maxStored = 64 << 10

// EncodeStored returns what every Job of an adaptive search carries in
// keys.Search: the experiment as the mlexp format writes it (environment
// variables already read, the Job template with its ${parameters}, the
// search), gzip-compressed and base64-encoded. `tune` continues the search
// from it on any machine, without the file.
func EncodeStored(exp *Experiment) (string, error) {
	text, err := MarshalNative(exp, nil)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(text); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if b.Len() > maxStored {
		return "", fmt.Errorf("experiment %s is %d bytes compressed: too large to record on its Jobs (at most %d)", exp.Name, b.Len(), maxStored)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes()), nil
}

// DecodeStored reads the experiment back from a Job's keys.Search
// annotation; job names the Job in errors.
func DecodeStored(job, s string, opts Options) (*Experiment, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("job %s: the search annotation is not base64: %w", job, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("job %s: the search annotation: %w", job, err)
	}
	text, err := io.ReadAll(io.LimitReader(zr, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("job %s: the search annotation: %w", job, err)
	}
	opts.Getenv = func(string) (string, bool) { return "", false } // already read at submit
	return Parse("job/"+job+" annotation "+keys.Search, text, opts)
}
