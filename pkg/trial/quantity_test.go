package trial

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

func TestScaleMemory(t *testing.T) {
	cases := map[string]struct {
		in     string
		factor float64
		want   string
	}{
		"Mi doubles":              {"32Mi", 2, "64Mi"},
		"Gi doubles":              {"6Gi", 2, "12Gi"},
		"decimal M doubles":       {"100M", 2, "200M"},
		"fractional Gi":           {"1.5Gi", 2, "3Gi"},
		"factor 1.5":              {"48Mi", 1.5, "72Mi"},
		"second OOM doubles":      {"64Mi", 2, "128Mi"},
		"rounds up to whole Mi":   {"33Mi", 1.5, "50Mi"},
		"below 16Gi keeps Mi":     {"6Gi", 1.1, "6759Mi"},
		"large rounds to Gi":      {"1Ti", 1.1, "1127Gi"},
		"plain bytes, binary":     {"134217728", 2, "256Mi"},
		"plain bytes, decimal":    {"100000000", 1.5, "150M"},
		"tiny value keeps Ki":     {"1Mi", 1.5, "1536Ki"},
		"bytes below a Ki":        {"100", 1.5, "150"},
		"decimal G":               {"1G", 3, "3G"},
		"never below the exact":   {"10Mi", 1.01, "10343Ki"},
		"one third is rounded up": {"3Mi", 1.0 / 3 * 4, "4Mi"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ScaleMemory(resource.MustParse(c.in), c.factor)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != c.want {
				t.Errorf("ScaleMemory(%s, %v) = %s, want %s", c.in, c.factor, got.String(), c.want)
			}
			in := resource.MustParse(c.in)
			exact := float64(in.Value()) * c.factor
			if float64(got.Value()) < exact-1e-6*exact {
				t.Errorf("ScaleMemory(%s, %v) = %d bytes, below the exact %f", c.in, c.factor, got.Value(), exact)
			}
		})
	}
}

func TestScaleMemoryErrors(t *testing.T) {
	for _, f := range []float64{0, -1} {
		if _, err := ScaleMemory(resource.MustParse("1Gi"), f); err == nil {
			t.Errorf("factor %v: no error", f)
		}
	}
	if _, err := ScaleMemory(resource.MustParse("8Ei"), 4); err == nil {
		t.Error("8Ei x 4: no out-of-range error")
	}
}
