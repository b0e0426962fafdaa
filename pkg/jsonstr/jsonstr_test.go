package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshal returns encoding/json's bytes for s without HTML escaping (<, >
// and & stay as they are, as in Append).
func marshal(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// FuzzAppendMatchesEncodingJSON checks that Append writes exactly the bytes
// encoding/json writes, for strings and byte slices alike.
func FuzzAppendMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\", "tab\tnl\n\r\x01", "\b\f\x7f", "é ü 日本", "\xff\xfe", "a\xe2\x80", "\u2028\u2029", "<a&b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := marshal(t, s)
		for _, got := range [][]byte{Append(nil, s), Append(nil, []byte(s))} {
			if !bytes.Equal(got, want) {
				t.Fatalf("Append(%q) = %s, encoding/json writes %s", s, got, want)
			}
		}
	})
}

func TestAppendKeepsPrefix(t *testing.T) {
	if got := string(Append([]byte("x:"), "a\"b")); got != `x:"a\"b"` {
		t.Errorf("Append = %s", got)
	}
}
