package ranking

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormatValue(t *testing.T) {
	cases := map[float64]string{
		0.9812: "0.9812", 0.98126: "0.9813", 0.5: "0.5", 12: "12", 123.456789: "123.4568",
		0: "0", -0.00001: "-1e-05", 0.001: "0.001", 0.0009: "0.0009", 2.5e7: "2.5e+07",
		-1.25: "-1.25", -0.00004: "-4e-05", math.NaN(): "NaN", math.Inf(1): "+Inf", math.Inf(-1): "-Inf",
	}
	for v, want := range cases {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestValueJSON(t *testing.T) {
	in := map[string]Value{"a": 0.25, "b": Value(math.NaN()), "c": Value(math.Inf(1)), "d": Value(math.Inf(-1)), "e": 1e21}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":0.25,"b":"NaN","c":"+Inf","d":"-Inf","e":1e+21}`
	if string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var out map[string]Value
	if err := json.Unmarshal([]byte(`{"a":0.25,"b":"NaN","c":"+Inf","d":"-Inf","e":1e+21,"f":null,"g":"nan","h":"0.5"}`), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, v := range out {
		got[k] = FormatExact(float64(v))
	}
	wantBack := map[string]string{"a": "0.25", "b": "NaN", "c": "+Inf", "d": "-Inf", "e": "1e+21", "f": "NaN", "g": "NaN", "h": "0.5"}
	if diff := cmp.Diff(wantBack, got); diff != "" {
		t.Errorf("Unmarshal (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`"x"`, `true`, `[1]`} {
		var v Value
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", bad, v)
		}
	}
}
