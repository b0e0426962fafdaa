// Package idx reads the IDX files of the MNIST distribution (optionally gzipped).
//
// The format: two zero bytes, a type byte (0x08 = unsigned byte, the only one
// supported here), a dimension count, that many big-endian uint32 sizes, then
// the data in row-major order.
package idx

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// typeUbyte is the IDX type code of unsigned bytes.
const typeUbyte = 0x08

// maxElems bounds the element count a header may announce (1 GiB of data).
const maxElems = 1 << 30

// Array is an n-dimensional array of unsigned bytes.
type Array struct {
	Dims []int
	Data []byte
}

// Read parses one ubyte IDX array from r. Memory grows with the data actually
// read, never with what a corrupt header claims.
func Read(r io.Reader) (*Array, error) { return ReadN(r, -1) }

// ReadN is Read that stops after the first n entries of the first dimension
// (all of them when n < 0), so a subset costs only its own decoding time.
func ReadN(r io.Reader, n int) (*Array, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("read idx header: %w", err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, fmt.Errorf("not an idx file: magic %x", hdr)
	}
	if hdr[2] != typeUbyte {
		return nil, fmt.Errorf("unsupported idx element type 0x%02x (want 0x08, unsigned byte)", hdr[2])
	}
	nd := int(hdr[3])
	if nd == 0 {
		return nil, errors.New("idx file has no dimensions")
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("read idx dimension %d: %w", i, err)
		}
		dims[i] = int(d)
		if d != 0 && total > maxElems/int(d) {
			return nil, fmt.Errorf("idx dimensions %v too large", dims[:i+1])
		}
		total *= int(d)
	}
	if n >= 0 && n < dims[0] {
		total = total / dims[0] * n
		dims[0] = n
	}
	var buf bytes.Buffer
	buf.Grow(min(total, 16<<20)) // more only as data arrives
	got, err := io.CopyN(&buf, r, int64(total))
	if err != nil {
		return nil, fmt.Errorf("read idx data: got %d of %d bytes: %w", got, total, err)
	}
	return &Array{Dims: dims, Data: buf.Bytes()}, nil
}

// ReadFile reads one IDX array from path, gunzipping it when it starts with
// the gzip magic bytes.
func ReadFile(path string) (*Array, error) { return ReadFileN(path, -1) }

// ReadFileN is ReadFile that keeps only the first n entries (all when n < 0).
func ReadFileN(path string, n int) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer z.Close()
		r = z
	}
	a, err := ReadN(r, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}
