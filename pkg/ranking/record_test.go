package ranking

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEncodeRecord(t *testing.T) {
	r := Record{Source: SourceLog, Pod: "mnist-a-1", Metrics: map[string]Value{"test_accuracy": 0.9812, "test_loss": Value(math.NaN())}}
	got, err := EncodeRecord(r, "test_accuracy")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"source":"log","pod":"mnist-a-1","metrics":{"test_accuracy":0.9812,"test_loss":"NaN"}}`
	if got != want {
		t.Errorf("EncodeRecord = %s, want %s", got, want)
	}
	back, err := DecodeRecord(got)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"test_accuracy": "0.9812", "test_loss": "NaN"}, exact(back.PlainMetrics())); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func exact(m map[string]float64) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = FormatExact(v)
	}
	return out
}

func TestEncodeRecordCapped(t *testing.T) {
	m := map[string]Value{"keep_this_one_with_a_long_name_" + strings.Repeat("x", 80): 1}
	for i := range 300 {
		m[fmt.Sprintf("metric_%03d", i)] = Value(i)
	}
	got, err := EncodeRecord(Record{Source: SourceLog, Metrics: m}, "keep_this_one_with_a_long_name_"+strings.Repeat("x", 80))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > MaxRecordBytes {
		t.Errorf("len = %d > %d", len(got), MaxRecordBytes)
	}
	back, err := DecodeRecord(got)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Truncated || len(back.Metrics) < 150 {
		t.Errorf("truncated=%v with %d metrics; want truncated with most metrics kept", back.Truncated, len(back.Metrics))
	}
	if _, ok := back.Metrics["keep_this_one_with_a_long_name_"+strings.Repeat("x", 80)]; !ok {
		t.Errorf("the ranking metric was dropped")
	}
	if len(m) != 301 {
		t.Errorf("EncodeRecord changed its argument's map")
	}
}

func TestEncodeRecordTooBig(t *testing.T) {
	_, err := EncodeRecord(Record{Source: SourceLog, Pod: strings.Repeat("p", MaxRecordBytes)}, "")
	if err == nil {
		t.Fatal("want an error")
	}
}

func TestDecodeRecordErrors(t *testing.T) {
	for _, s := range []string{"", "{", `{"metrics":{"a":"x"}}`} {
		if _, err := DecodeRecord(s); err == nil {
			t.Errorf("DecodeRecord(%q): want an error", s)
		}
	}
}

func TestPatternsKey(t *testing.T) {
	if k := PatternsKey(nil); k != "" {
		t.Errorf("PatternsKey(nil) = %q", k)
	}
	a, b := PatternsKey([]string{"x", "y"}), PatternsKey([]string{"y", "x"})
	if a == b || len(a) != 12 || a != PatternsKey([]string{"x", "y"}) {
		t.Errorf("keys %q %q: want stable, order-sensitive, 12 hex digits", a, b)
	}
}

func TestSpec(t *testing.T) {
	s := Spec{Metric: "accuracy", Goal: "max", Patterns: []string{`Test accuracy: (?P<accuracy>[0-9.]+)`}}
	enc, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"metric":"accuracy","goal":"max","patterns":["Test accuracy: (?P<accuracy>[0-9.]+)"]}`
	if enc != want {
		t.Errorf("Encode = %s, want %s", enc, want)
	}
	back, err := DecodeSpec(enc)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if enc, _ := (Spec{}).Encode(); enc != "" {
		t.Errorf("zero spec encodes as %q", enc)
	}
	if s, err := DecodeSpec(""); err != nil || !s.IsZero() {
		t.Errorf(`DecodeSpec("") = %v, %v`, s, err)
	}
	for _, bad := range []string{"[", `{"goal":"up"}`} {
		if _, err := DecodeSpec(bad); err == nil {
			t.Errorf("DecodeSpec(%s): want an error", bad)
		}
	}
}
