package ranking

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// SpecAnnotation is the annotation on every Job of an experiment where
// submit records the experiment file's spec.results as Spec JSON, since
// `results` reads only the cluster, never the file.
const SpecAnnotation = "mlexp.dev/results-spec"

// Spec is the experiment file's spec.results as recorded on each Job.
type Spec struct {
	// Metric is the metric to rank by; "" lets `results` choose.
	Metric string `json:"metric,omitempty"`
	// Goal is "max", "min" or "".
	Goal string `json:"goal,omitempty"`
	// Target is the value of Metric a trial should reach (Katib's
	// objective goal); nil for none.
	Target *float64 `json:"target,omitempty"`
	// Columns are metrics shown right after Metric, in order.
	Columns []string `json:"columns,omitempty"`
	// Patterns are regular expressions whose named groups are metrics.
	Patterns []string `json:"patterns,omitempty"`
	// Filters are regular expressions whose first group is a metric's name
	// and second its value (Katib's metricsFormat).
	Filters []string `json:"filters,omitempty"`
}

// IsZero reports whether s says nothing.
func (s Spec) IsZero() bool {
	return s.Metric == "" && s.Goal == "" && s.Target == nil && len(s.Columns) == 0 && len(s.Patterns) == 0 && len(s.Filters) == 0
}

// Encode returns s as the annotation's value, or "" when s is zero (write
// no annotation then).
func (s Spec) Encode() (string, error) {
	if s.IsZero() {
		return "", nil
	}
	b, err := marshal(s)
	return string(b), err
}

// marshal is json.Marshal without HTML escaping, so that patterns such as
// (?P<acc>...) read as written in `kubectl get -o yaml`.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// DecodeSpec parses SpecAnnotation's value; "" is the zero Spec.
func DecodeSpec(v string) (Spec, error) {
	var s Spec
	if v == "" {
		return s, nil
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return Spec{}, fmt.Errorf("annotation %s: %w", SpecAnnotation, err)
	}
	if _, err := ParseGoal(s.Goal); err != nil {
		return Spec{}, fmt.Errorf("annotation %s: %w", SpecAnnotation, err)
	}
	return s, nil
}
