package search

import (
	"math"
	"sort"
)

// tpeObservation is a finished trial as TPE ranks it (Optuna 3.1's
// _get_observation_pairs): a Completed trial by its loss; an EarlyStopped
// one (Optuna's pruned) after every Completed one, the further it ran the
// better, then by the loss at its last step.
type tpeObservation struct {
	// rank is -Inf for a Completed trial, -step for an EarlyStopped one at
	// its last step, 1 for one that reported no step.
	rank float64
	loss float64
	// values are the trial's parameter values in the estimators' units,
	// NaN for a value the space does not hold.
	values []float64
}

// tpeObservations returns the trials TPE learns from, oldest first: the
// Completed with a value and the EarlyStopped. Running trials are left out,
// as Optuna does without constant_liar, and so are Failed ones.
func tpeObservations(trials []Trial, dims []parzenDim, goal Goal) []tpeObservation {
	sorted := make([]*Trial, 0, len(trials))
	for i := range trials {
		sorted = append(sorted, &trials[i])
	}
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].Index < sorted[b].Index })
	var out []tpeObservation
	for _, t := range sorted {
		var o tpeObservation
		switch t.State {
		case Completed:
			if math.IsNaN(t.Value) {
				continue // Optuna fails a trial whose objective is NaN
			}
			o.rank, o.loss = math.Inf(-1), goal.Loss(t.Value)
		case EarlyStopped:
			o.rank, o.loss = 1, 0
			if len(t.Curve) > 0 {
				last := t.Curve[0]
				for _, s := range t.Curve[1:] {
					if s.Step >= last.Step {
						last = s
					}
				}
				o.rank, o.loss = -float64(last.Step), goal.Loss(last.Value)
				if math.IsNaN(o.loss) {
					o.loss = math.Inf(1)
				}
			}
		default:
			continue
		}
		o.values = make([]float64, len(dims))
		for j := range dims {
			o.values[j] = math.NaN()
			for _, kv := range t.Params {
				if kv.Name == dims[j].p.Name {
					o.values[j] = dims[j].internal(kv.Value)
					break
				}
			}
		}
		out = append(out, o)
	}
	return out
}

// tpeSplit returns the indices into obs of the nBelow best observations
// and of the others, each in obs's order (Optuna 3.1's
// _split_observation_pairs: a stable sort by rank, then loss).
func tpeSplit(obs []tpeObservation, nBelow int) (below, above []int) {
	order := make([]int, len(obs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		oa, ob := &obs[order[a]], &obs[order[b]]
		if oa.rank != ob.rank {
			return oa.rank < ob.rank
		}
		return oa.loss < ob.loss
	})
	nBelow = min(nBelow, len(order))
	below = append([]int(nil), order[:nBelow]...)
	above = append([]int(nil), order[nBelow:]...)
	sort.Ints(below)
	sort.Ints(above)
	return below, above
}

// tpeDefaultGamma is Optuna's default_gamma: how many of n observations
// are good, 10% rounded up, at most 25.
func tpeDefaultGamma(n int) int { return min(int(math.Ceil(0.1*float64(n))), 25) }

// tpeHyperoptGamma returns hyperopt's split for its gamma setting (the
// rule of hyperopt's tpe.ap_split_trials, Optuna's hyperopt_default_gamma
// for gamma 0.25): ceil(gamma*sqrt(n)), at most 25.
func tpeHyperoptGamma(gamma float64) func(int) int {
	return func(n int) int { return min(int(math.Ceil(gamma*math.Sqrt(float64(n)))), 25) }
}

// tpeWeights is Optuna's default_weights, the weights of n observations
// oldest first: all 1 below 25; from 25 on, the 25 newest weigh 1 and the
// older ones rise linearly from 1/n (Bergstra et al. 2013, "Making a
// Science of Model Search").
func tpeWeights(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	if ramp := n - 25; n >= 25 && ramp > 0 {
		start := 1 / float64(n)
		for i := range ramp {
			if ramp == 1 {
				w[i] = start // numpy's linspace of one point is its start
				break
			}
			w[i] = start + float64(i)*(1-start)/float64(ramp-1)
		}
	}
	return w
}
