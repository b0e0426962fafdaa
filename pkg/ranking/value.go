package ranking

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Value is a metric value that marshals NaN and ±Inf, which JSON numbers
// cannot hold, as the strings "NaN", "+Inf" and "-Inf".
type Value float64

// MarshalJSON implements json.Marshaler.
func (v Value) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte(`"` + FormatExact(f) + `"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, one of the strings MarshalJSON writes (or
// Python's nan, inf, -inf), or null, which reads as NaN.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*v = Value(math.NaN())
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		f, err := parseSpecial(s)
		if err != nil {
			return err
		}
		*v = Value(f)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("metric value %s: want a number", b)
	}
	*v = Value(f)
	return nil
}

func parseSpecial(s string) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nan":
		return math.NaN(), nil
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), nil
	case "-inf", "-infinity":
		return math.Inf(-1), nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("metric value %q: want a number", s)
	}
	return f, nil
}

// FormatValue renders a metric value for a table cell: up to 4 decimals
// without trailing zeros (0.9812, 1.5, 12), and very large or very small
// magnitudes with 4 significant digits in e-notation.
func FormatValue(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return FormatExact(v)
	case v == 0:
		return "0"
	}
	if a := math.Abs(v); a >= 1e6 || a < 1e-3 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	s := strconv.FormatFloat(v, 'f', 4, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// FormatExact renders a metric value with every digit it has, as CSV and
// the best line print it: 0.98125, NaN, +Inf, -Inf.
func FormatExact(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
