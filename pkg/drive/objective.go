package drive

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// MaxCurvePoints caps the curve recorded on a Job: past it, every other
// point is dropped (the first and the last are kept), so the annotation
// stays small whatever a trial prints.
const MaxCurvePoints = 1000

// Objective is what the driver records on a trial's Job once the trial has
// ended (keys.Objective): the objective metric's value by its strategy
// and its curve by step.
type Objective struct {
	Metric string `json:"metric"`
	// Value is the objective by the metric's strategy (min, max or the
	// latest value); absent when the trial never reported the metric.
	Value *float64 `json:"value,omitempty"`
	// Curve holds [step, value] pairs in step order.
	Curve [][2]float64 `json:"curve,omitempty"`
}

// Encode returns the annotation's value.
func (o *Objective) Encode() (string, error) {
	b, err := json.Marshal(o)
	return string(b), err
}

// DecodeObjective parses the annotation's value.
func DecodeObjective(s string) (Objective, error) {
	var o Objective
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		return o, fmt.Errorf("objective annotation: %w", err)
	}
	return o, nil
}

// Steps returns the curve as the search reads it.
func (o *Objective) Steps() []search.Step {
	out := make([]search.Step, 0, len(o.Curve))
	for _, p := range o.Curve {
		out = append(out, search.Step{Step: int(p[0]), Value: p[1]})
	}
	return out
}

// ObjectiveOf reduces the points a trial's log gave for metric (in log
// order) by strategy: "min", "max" or
// "latest", as Katib's metrics collector does. A point's step is the epoch
// its log line names; when some point names none, the points are numbered
// 1, 2, ... in log order instead. NaN and infinite values are left out.
func ObjectiveOf(metric, strategy string, points []ranking.CurvePoint) Objective {
	o := Objective{Metric: metric}
	ordinal := false
	var kept []ranking.CurvePoint
	for _, p := range points {
		if v := float64(p.Value); math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if p.Step < 0 {
			ordinal = true
		}
		kept = append(kept, p)
	}
	if len(kept) == 0 {
		return o
	}
	v := float64(kept[len(kept)-1].Value)
	for i, p := range kept {
		step := float64(p.Step)
		if ordinal {
			step = float64(i + 1)
		}
		o.Curve = append(o.Curve, [2]float64{step, float64(p.Value)})
		switch strategy {
		case "min":
			v = math.Min(v, float64(p.Value))
		case "max":
			v = math.Max(v, float64(p.Value))
		}
	}
	o.Value = &v
	o.Curve = thin(o.Curve, MaxCurvePoints)
	return o
}

// thin halves a curve until it has at most n points, keeping its first
// and last.
func thin(c [][2]float64, n int) [][2]float64 {
	for len(c) > n {
		out := c[:0:0]
		for i := 0; i < len(c); i += 2 {
			out = append(out, c[i])
		}
		if last := c[len(c)-1]; out[len(out)-1] != last {
			out = append(out, last)
		}
		c = out
	}
	return c
}
