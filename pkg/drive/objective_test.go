package drive

import (
	"math"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

func TestObjectiveOf(t *testing.T) {
	pts := func(steps []int, vals ...float64) []ranking.CurvePoint {
		var out []ranking.CurvePoint
		for i, v := range vals {
			out = append(out, ranking.CurvePoint{Value: ranking.Value(v), Step: steps[i]})
		}
		return out
	}
	epochs := pts([]int{1, 2, 3, 4}, 0.9, 0.4, math.NaN(), 0.6)
	for strategy, want := range map[string]float64{"min": 0.4, "max": 0.9, "latest": 0.6} {
		o := ObjectiveOf("loss", strategy, epochs)
		if o.Value == nil || *o.Value != want {
			t.Errorf("%s: value %v, want %v", strategy, o.Value, want)
		}
		if len(o.Curve) != 3 || o.Curve[2] != [2]float64{4, 0.6} {
			t.Errorf("%s: curve %v, want epochs 1, 2, 4 (NaN left out)", strategy, o.Curve)
		}
	}
	// Lines that name no epoch are numbered in log order.
	o := ObjectiveOf("loss", "latest", pts([]int{-1, -1, 5}, 3, 2, 1))
	if o.Curve[0][0] != 1 || o.Curve[2][0] != 3 {
		t.Errorf("curve %v, want steps 1, 2, 3", o.Curve)
	}
	if o := ObjectiveOf("loss", "min", nil); o.Value != nil {
		t.Errorf("no point: value %v, want none", *o.Value)
	}
}

func TestObjectiveRoundTripAndThin(t *testing.T) {
	var pts []ranking.CurvePoint
	for i := range 2501 {
		pts = append(pts, ranking.CurvePoint{Value: ranking.Value(i), Step: i})
	}
	o := ObjectiveOf("loss", "latest", pts)
	if len(o.Curve) > MaxCurvePoints || o.Curve[0][0] != 0 || o.Curve[len(o.Curve)-1][0] != 2500 {
		t.Errorf("thinned curve: %d points from %v to %v", len(o.Curve), o.Curve[0], o.Curve[len(o.Curve)-1])
	}
	s, err := o.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeObjective(s)
	if err != nil || *back.Value != 2500 || len(back.Curve) != len(o.Curve) || back.Steps()[1].Step != int(o.Curve[1][0]) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
