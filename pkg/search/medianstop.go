package search

import (
	"fmt"
	"math"
	"sort"
)

func init() { registerStopper("medianstop", newMedianStop) }

// medianStop is the median stopping rule of Google Vizier (Golovin et al.,
// "Google Vizier: A Service for Black-Box Optimization", KDD 2017) as Katib
// documents its medianstop service: a running trial is stopped at step s
// when its best objective value by step s is strictly worse than the
// median of the running averages, up to step s, of the completed trials.
//
// From Katib's implementation (pkg/earlystopping/v1beta1/medianstop/
// service.py and the metrics collector's updateStopRules) it takes: a
// running average is the plain mean of the values a completed trial
// reported up to the step; only trials that succeeded count (not those
// stopped early); the running trial is judged by its best value so far;
// the comparison is strict; start_step counts reported values, and
// nothing is decided before min_trials_required trials have completed.
// Where Katib's code departs from the rule it documents we keep the rule:
// Katib averages the completed trials' averages (a mean, not a median) and
// checks a trial once, at its start_step-th value; this rule takes the
// median and checks the trial's latest step every time it is asked.
type medianStop struct {
	goal      Goal
	minTrials int
	startStep int
}

func newMedianStop(cfg StopperConfig) (Stopper, error) {
	s := NewSettings("medianstop", cfg.Settings)
	m := &medianStop{
		goal:      cfg.Goal,
		minTrials: s.Int("min_trials_required", 3, 1),
		startStep: s.Int("start_step", 4, 1),
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// Stop returns the running trials that fall behind the median, by index.
func (m *medianStop) Stop(trials []Trial) []Stop {
	var done []*Trial
	for i := range trials {
		if trials[i].State == Completed {
			done = append(done, &trials[i])
		}
	}
	if len(done) < m.minTrials {
		return nil
	}
	var out []Stop
	for i := range trials {
		t := &trials[i]
		curve := finiteCurve(t.Curve)
		if t.State != Running || len(curve) < m.startStep {
			continue
		}
		step := curve[len(curve)-1].Step
		best := curve[0].Value
		for _, p := range curve {
			if m.goal.Better(p.Value, best) {
				best = p.Value
			}
		}
		var averages []float64
		for _, c := range done {
			if avg, ok := runningAverage(c.Curve, step); ok {
				averages = append(averages, avg)
			}
		}
		if len(averages) < m.minTrials {
			continue
		}
		median := medianOf(averages)
		if m.goal.Better(median, best) {
			worse := "above"
			if m.goal == Maximize {
				worse = "below"
			}
			out = append(out, Stop{Index: t.Index, Reason: fmt.Sprintf(
				"median stopping at step %d: its best objective %.6g is %s %.6g, the median of the running averages of %d completed trials at that step",
				step, best, worse, median, len(averages))})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Index < out[b].Index })
	return out
}

// finiteCurve returns the values of a curve that are numbers.
func finiteCurve(curve []Step) []Step {
	out := make([]Step, 0, len(curve))
	for _, p := range curve {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			out = append(out, p)
		}
	}
	return out
}

// runningAverage returns the mean of the values of curve at steps up to
// step, and false when it has none.
func runningAverage(curve []Step, step int) (float64, bool) {
	sum, n := 0.0, 0
	for _, p := range finiteCurve(curve) {
		if p.Step <= step {
			sum += p.Value
			n++
		}
	}
	return sum / float64(n), n > 0
}

// medianOf returns the median of xs (the mean of the middle two for an even
// count); xs is sorted in place.
func medianOf(xs []float64) float64 {
	sort.Float64s(xs)
	k := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[k]
	}
	return (xs[k-1] + xs[k]) / 2
}
