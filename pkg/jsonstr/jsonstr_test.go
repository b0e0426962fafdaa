package jsonstr

import (
	"encoding/json"
	"testing"
)

func FuzzAppendMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\", "tab\tnl\n\r\x01", "é ü 日本", "\xff\xfe", "\u2028\u2029", "<a&b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		// encoding/json escapes <, > and & for HTML; Append does not, so
		// compare what both decode to, and the exact bytes otherwise.
		for _, got := range [][]byte{Append(nil, s), Append(nil, []byte(s))} {
			var back, wantBack string
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("Append(%q) = %s: not JSON: %v", s, got, err)
			}
			_ = json.Unmarshal(want, &wantBack)
			if back != wantBack {
				t.Fatalf("Append(%q) decodes to %q, encoding/json's to %q", s, back, wantBack)
			}
		}
	})
}

func TestAppendKeepsPrefix(t *testing.T) {
	if got := string(Append([]byte("x:"), "a\"b")); got != `x:"a\"b"` {
		t.Errorf("Append = %s", got)
	}
}
