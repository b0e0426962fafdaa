package logmetrics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// katibDefaultFilter is Katib's StdOut collector's default metricsFormat.
const katibDefaultFilter = `([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)`

func TestFilters(t *testing.T) {
	tests := map[string]struct {
		filters []string
		line    string
		want    []Point
	}{
		"katib's default filter": {
			[]string{katibDefaultFilter}, "Validation-accuracy=0.9112 Train-accuracy=.95 loss=-7.5e-05",
			[]Point{pt("validation-accuracy", 0.9112), pt("train-accuracy", 0.95), pt("loss", -7.5e-05)},
		},
		"name: value format": {
			[]string{`(\w+)\s*:\s*(\d+\.\d+)`}, "Accuracy: 0.75, loss: 0.25",
			[]Point{pt("accuracy", 0.75), pt("loss", 0.25)},
		},
		"the filter wins over built-in for its names": {
			[]string{`(acc)uracy is (\d+)`}, "accuracy is 90, loss=0.1",
			[]Point{pt("loss", 0.1), pt("acc", 90)},
		},
		"a value that is not a number is skipped": {
			[]string{`(\w+)=(\w+)`}, "model=resnet", nil,
		},
		"epoch sets the step": {
			[]string{`(\w+)=(\d+)`}, "epoch=4 score=7",
			[]Point{at(4, "score", 7)},
		},
		"an empty name is skipped": {
			[]string{`(\w*)#(\d+)`}, "#5", nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := NewWithFilters(nil, tc.filters)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, p.ParseLine(tc.line), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	for f, want := range map[string]string{
		`(\w+)=`:      `: want two groups, the metric's name and its value`,
		`(\w+)=([0-9`: `: error parsing regexp`,
	} {
		want = fmt.Sprintf("metric filter %q", f) + want
		if _, err := NewWithFilters(nil, []string{f}); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("NewWithFilters(%q) = %v, want prefix %q", f, err, want)
		}
	}
}

func TestMetricNames(t *testing.T) {
	for in, want := range map[string]string{
		"Validation-accuracy": "validation-accuracy", "Train-accuracy": "train-accuracy", "loss": "loss",
		"Test accuracy": "test_accuracy", "val_loss": "val_loss",
	} {
		if !ValidName(in) {
			t.Errorf("ValidName(%q) = false", in)
		}
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
		// The name the parser reports for a line printing in is the same.
		if pts := (&Parser{}).ParseLine(in + "=0.5"); len(pts) != 1 || pts[0].Name != want {
			t.Errorf("%s=0.5 parses as %v, want the metric %s", in, pts, want)
		}
	}
	for _, bad := range []string{"", "  ", "1acc", "-loss", "a=b", "acc{x}", strings.Repeat("a", 65)} {
		if ValidName(bad) {
			t.Errorf("ValidName(%q) = true", bad)
		}
	}
}
