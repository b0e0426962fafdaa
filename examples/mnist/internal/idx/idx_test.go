package idx

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// file builds an IDX byte stream: magic type byte, dims, then data.
func file(typ byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = append(b, byte(d>>24), byte(d>>16), byte(d>>8), byte(d))
	}
	return append(b, data...)
}

func TestReadN(t *testing.T) {
	tests := map[string]struct {
		in      []byte
		n       int
		want    *Array
		wantErr string
	}{
		"labels": {
			in: file(8, []uint32{3}, []byte{7, 2, 1}), n: -1,
			want: &Array{Dims: []int{3}, Data: []byte{7, 2, 1}},
		},
		"images 2x2x3": {
			in: file(8, []uint32{2, 2, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), n: -1,
			want: &Array{Dims: []int{2, 2, 3}, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		},
		"first image only": {
			in: file(8, []uint32{2, 2, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), n: 1,
			want: &Array{Dims: []int{1, 2, 3}, Data: []byte{1, 2, 3, 4, 5, 6}},
		},
		"n above count keeps all": {
			in: file(8, []uint32{2}, []byte{1, 2}), n: 5,
			want: &Array{Dims: []int{2}, Data: []byte{1, 2}},
		},
		"trailing bytes ignored": {
			in: file(8, []uint32{1}, []byte{4, 99}), n: -1,
			want: &Array{Dims: []int{1}, Data: []byte{4}},
		},
		"empty":            {in: nil, n: -1, wantErr: "read idx header"},
		"bad magic":        {in: []byte{1, 0, 8, 1, 0, 0, 0, 0}, n: -1, wantErr: "not an idx file"},
		"float type":       {in: file(0x0d, []uint32{1}, []byte{0, 0, 0, 0}), n: -1, wantErr: "element type 0x0d"},
		"no dimensions":    {in: file(8, nil, nil), n: -1, wantErr: "no dimensions"},
		"short dimensions": {in: []byte{0, 0, 8, 2, 0, 0, 0, 1, 0}, n: -1, wantErr: "dimension 1"},
		"truncated data":   {in: file(8, []uint32{4}, []byte{1, 2}), n: -1, wantErr: "got 2 of 4 bytes"},
		"huge header, little data": {
			in: file(8, []uint32{1 << 20, 1 << 9}, []byte{1}), n: -1, wantErr: "got 1 of 536870912 bytes",
		},
		"too large": {in: file(8, []uint32{1 << 20, 1 << 20}, nil), n: -1, wantErr: "too large"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ReadN(bytes.NewReader(tc.in), tc.n)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ReadN (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadFileGzipAndPlain(t *testing.T) {
	dir := t.TempDir()
	raw := file(8, []uint32{2, 2}, []byte{9, 8, 7, 6})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	for name, content := range map[string][]byte{"plain": raw, "x.gz": gz.Bytes()} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(&Array{Dims: []int{2, 2}, Data: []byte{9, 8, 7, 6}}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("ReadFile of a missing file: no error")
	}
}

// FuzzRead checks that no input makes Read panic or return data that does not
// match its dimensions.
func FuzzRead(f *testing.F) {
	f.Add(file(8, []uint32{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(file(8, []uint32{3}, []byte{1}))
	f.Add([]byte{0, 0, 8, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := Read(bytes.NewReader(in))
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.Dims {
			n *= d
		}
		if n != len(a.Data) {
			t.Fatalf("dims %v but %d bytes", a.Dims, len(a.Data))
		}
	})
}
