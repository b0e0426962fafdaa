package collect

import (
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// curves converts a series' per-epoch values to the ranking's curve points.
func curves(s *logmetrics.Series) map[string][]ranking.CurvePoint {
	in := s.Curves()
	if len(in) == 0 {
		return nil
	}
	out := make(map[string][]ranking.CurvePoint, len(in))
	for name, points := range in {
		c := make([]ranking.CurvePoint, len(points))
		for i, p := range points {
			c[i] = ranking.CurvePoint{Step: p.Step, Line: p.Line, Value: ranking.Value(p.Value)}
		}
		out[name] = c
	}
	return out
}
