package logstream

import (
	"bytes"
	"testing"
	"time"
)

func TestSplitTimestamp(t *testing.T) {
	cases := map[string]struct {
		line    string
		wantTS  string
		wantMsg string
		wantOK  bool
		want    time.Time
	}{
		"kubelet format": {
			line: "2024-05-01T10:00:00.123456789Z Epoch 3/10", wantTS: "2024-05-01T10:00:00.123456789Z",
			wantMsg: "Epoch 3/10", wantOK: true, want: time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC),
		},
		"no fraction": {
			line: "2024-05-01T10:00:00Z x", wantTS: "2024-05-01T10:00:00Z", wantMsg: "x", wantOK: true,
			want: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		},
		"offset": {
			line: "2024-05-01T12:00:00.5+02:00 x", wantTS: "2024-05-01T12:00:00.5+02:00", wantMsg: "x", wantOK: true,
			want: time.Date(2024, 5, 1, 10, 0, 0, 5e8, time.UTC),
		},
		"empty message": {
			line: "2024-05-01T10:00:00.000000001Z ", wantTS: "2024-05-01T10:00:00.000000001Z", wantMsg: "", wantOK: true,
			want: time.Date(2024, 5, 1, 10, 0, 0, 1, time.UTC),
		},
		"only a timestamp": {
			line: "2024-05-01T10:00:00Z", wantTS: "2024-05-01T10:00:00Z", wantMsg: "", wantOK: true,
			want: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		},
		"message keeps its spaces": {
			line: "2024-05-01T10:00:00Z  two  spaces ", wantTS: "2024-05-01T10:00:00Z", wantMsg: " two  spaces ", wantOK: true,
			want: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		},
		"no timestamp":      {line: "Epoch 3/10 loss 0.25 and more text here", wantMsg: "Epoch 3/10 loss 0.25 and more text here"},
		"empty":             {line: "", wantMsg: ""},
		"bad month":         {line: "2024-13-01T10:00:00Z x", wantMsg: "2024-13-01T10:00:00Z x"},
		"bad day":           {line: "2023-02-29T10:00:00Z x", wantMsg: "2023-02-29T10:00:00Z x"},
		"lowercase t":       {line: "2024-05-01t10:00:00Z x", wantMsg: "2024-05-01t10:00:00Z x"},
		"no zone":           {line: "2024-05-01T10:00:00 x y z", wantMsg: "2024-05-01T10:00:00 x y z"},
		"too many digits":   {line: "2024-05-01T10:00:00.1234567890Z x", wantMsg: "2024-05-01T10:00:00.1234567890Z x"},
		"dot without digit": {line: "2024-05-01T10:00:00.Z x", wantMsg: "2024-05-01T10:00:00.Z x"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ts, got, msg, ok := SplitTimestamp([]byte(tc.line))
			if ok != tc.wantOK || string(ts) != tc.wantTS || string(msg) != tc.wantMsg {
				t.Fatalf("SplitTimestamp(%q) = %q, %q, %v; want %q, %q, %v", tc.line, ts, msg, ok, tc.wantTS, tc.wantMsg, tc.wantOK)
			}
			if ok && !got.Equal(tc.want) {
				t.Errorf("time = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSplitTimestampDoesNotAllocate(t *testing.T) {
	line := []byte("2024-05-01T10:00:00.123456789Z Epoch 3/10 - loss: 0.2500 - accuracy: 0.9000")
	if n := testing.AllocsPerRun(100, func() { SplitTimestamp(line) }); n != 0 {
		t.Errorf("SplitTimestamp allocates %v times per line, want 0", n)
	}
}

// FuzzSplitTimestamp checks that the splitter never panics, that it gives
// back the line it was given, and that every timestamp it accepts means
// what time.Parse says it means.
func FuzzSplitTimestamp(f *testing.F) {
	for _, s := range []string{
		"2024-05-01T10:00:00.123456789Z Epoch 3/10",
		"2024-05-01T10:00:00Z",
		"2024-02-29T23:59:59.9+14:00 leap",
		"0000-01-01T00:00:00-00:00 x",
		"not a timestamp",
		"2024-05-01T10:00:00.Z",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		ts, got, msg, ok := SplitTimestamp(line)
		if !ok {
			if ts != nil || !bytes.Equal(msg, line) {
				t.Fatalf("not ok but ts=%q msg=%q", ts, msg)
			}
			return
		}
		rebuilt := append(append([]byte(nil), ts...), ' ')
		rebuilt = append(rebuilt, msg...)
		if !bytes.Equal(rebuilt, line) && !(len(msg) == 0 && bytes.Equal(ts, line)) {
			t.Fatalf("ts %q + msg %q does not give back %q", ts, msg, line)
		}
		want, err := time.Parse(time.RFC3339Nano, string(ts))
		if err != nil {
			t.Fatalf("accepted %q, which time.Parse rejects: %v", ts, err)
		}
		if !want.Equal(got) {
			t.Fatalf("%q: got %v, time.Parse says %v", ts, got, want)
		}
	})
}
