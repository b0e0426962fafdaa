package cpumem

import (
	"math"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"cpu", FormatCPU(998), "998m"},
		{"cpu one core", FormatCPU(1000), "1000m"},
		{"memory", FormatMemory(512 << 20), "512Mi"},
		{"memory rounds down", FormatMemory(32<<20 + 1023), "32Mi"},
		{"memory in Gi stays Mi", FormatMemory(4 << 30), "4096Mi"},
		{"memory under 1Mi", FormatMemory(300 << 10), "300Ki"},
		{"memory zero", FormatMemory(0), "0Mi"},
		{"memory tiny", FormatMemory(100), "0Ki"},
		{"percent", FormatPercent(37.9), "37%"},
		{"percent at limit", FormatPercent(100), "100%"},
		{"percent over limit", FormatPercent(103.2), "103%"},
		{"percent NaN", FormatPercent(math.NaN()), "-"},
		{"percent huge", FormatPercent(1e300), ">2147483647%"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// FuzzFormatMemory checks that the rendered amount reads back as a
// quantity, never exceeds the true amount and is off by less than its unit.
func FuzzFormatMemory(f *testing.F) {
	for _, v := range []int64{0, 1, 1023, 1024, mi - 1, mi, 32 << 20, 4 << 30, -mi, math.MaxInt64, math.MinInt64} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, b int64) {
		s := FormatMemory(b)
		q, err := resource.ParseQuantity(s)
		if err != nil {
			t.Fatalf("FormatMemory(%d) = %q: not a quantity: %v", b, s, err)
		}
		got := q.Value()
		unit := int64(mi)
		if b > -mi && b < mi {
			unit = ki
		}
		// Rounds toward zero by less than one unit.
		if b >= 0 && (got > b || b-got >= unit) || b < 0 && (got < b || got-b >= unit) {
			t.Fatalf("FormatMemory(%d) = %q (%d): off by a unit or more", b, s, got)
		}
	})
}
