package params

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTripKeepsOrderAndTypes(t *testing.T) {
	in := Params{{"model", "model01"}, {"epochs", int64(10)}, {"dropout", 0.2}, {"bn", true}, {"note", nil}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"model":"model01","epochs":10,"dropout":0.2,"bn":true,"note":null}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	out, err := Decode(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got := out.String(); got != "model=model01,epochs=10,dropout=0.2,bn=true,note=" {
		t.Errorf("String() = %q", got)
	}
}

func TestDecodeRejectsNonScalars(t *testing.T) {
	for _, in := range []string{`[1]`, `{"a":{"b":1}}`, `{"a":[1]}`, `{"a":1`} {
		if _, err := Decode(in); err == nil {
			t.Errorf("Decode(%s): no error", in)
		}
	}
	if p, err := Decode(""); err != nil || p != nil {
		t.Errorf(`Decode("") = %v, %v`, p, err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(`{"a":1,"b":"x","c":0.5,"d":true}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Decode(s)
		if err != nil {
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("re-marshal of %q: %v", s, err)
		}
		q, err := Decode(string(b))
		if err != nil {
			t.Fatalf("decode of re-marshalled %s: %v", b, err)
		}
		if len(p) != len(q) {
			t.Fatalf("round trip changed length: %v vs %v", p, q)
		}
	})
}
