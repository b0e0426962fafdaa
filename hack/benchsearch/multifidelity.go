package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// epochsParam names the resource parameter Hyperband sets on each trial.
const epochsParam = "epochs"

// mfValue is the multi-fidelity Hartmann-6: the objective a trial of x
// reports after epoch t of at most maxEpochs. It starts above Hartmann-6
// by a bias that depends on x (so early values rank points differently
// from final ones) plus a deterministic noise of x and t, both shrinking
// like a learning curve, (maxEpochs/t - 1)/(maxEpochs - 1): the full value
// at epoch 1 and exactly Hartmann-6 at maxEpochs. Bias plus noise lies in
// [0.3, 1.7], so every partial value is worse than the final one.
func mfValue(x [6]float64, t, maxEpochs int) float64 {
	g := 0.0
	if maxEpochs > 1 {
		g = (float64(maxEpochs)/float64(t) - 1) / float64(maxEpochs-1)
	}
	bias := 1 + 0.5*math.Sin(2*math.Pi*(x[0]+2*x[3]+3*x[5]))
	return hartmannValue(x) + g*(bias+mfNoise(x, t))
}

// mfNoise is a number in [-0.2, 0.2] that depends only on x and t.
func mfNoise(x [6]float64, t int) float64 {
	h := fnv.New64a()
	var b [8]byte
	for _, v := range x {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	binary.LittleEndian.PutUint64(b[:], uint64(t))
	h.Write(b[:])
	u := float64(h.Sum64()>>11) / (1 << 53)
	return 0.2 * (2*u - 1)
}

// mfCurve is what a trial of x reports for epochs 1..epochs.
func mfCurve(x [6]float64, epochs, maxEpochs int) []search.Step {
	curve := make([]search.Step, epochs)
	for t := 1; t <= epochs; t++ {
		curve[t-1] = search.Step{Step: t, Value: mfValue(x, t, maxEpochs)}
	}
	return curve
}

// HyperbandRun is what one seed of Hyperband, and random search given the
// same epochs, found.
type HyperbandRun struct {
	Epochs int     // epochs Hyperband's trials consumed, in all
	Regret float64 // of Hyperband's answer, trained to the full epochs
	// RandomTrials full-epoch trials of random search fit in Epochs.
	RandomTrials int
	RandomRegret float64
}

// hyperbandRun runs Hyperband on the multi-fidelity Hartmann-6 until it is
// exhausted or has consumed maxTotal epochs, then random search with as
// many full-epoch trials as fit in the epochs Hyperband used. Each trial
// trains from scratch for its epochs parameter (as Katib's Hyperband
// copies a trial into a new one with more epochs). Hyperband's answer is
// the best-reported trial among those trained for the most epochs any
// trial got; its regret is Hartmann-6 there (its value at full epochs).
func hyperbandRun(newAlg Constructor, settings map[string]string, seed uint64, maxEpochs, batch, maxTotal int) (HyperbandRun, error) {
	var hr HyperbandRun
	sp := append(hartmannSpace(), search.Param{Name: epochsParam, Type: search.Int, Min: 1, Max: float64(maxEpochs)})
	alg, err := newAlg(search.Config{Algorithm: "hyperband", Space: sp, Seed: seed, Settings: settings})
	if err != nil {
		return hr, err
	}
	var trials []search.Trial
	bestEpochs, bestReported, bestTrue := 0, math.Inf(1), math.NaN()
	for hr.Epochs < maxTotal {
		sugs, err := alg.Suggest(trials, batch)
		if errors.Is(err, search.ErrExhausted) {
			break
		}
		if err != nil {
			return hr, fmt.Errorf("suggestion %d: %w", len(trials), err)
		}
		if len(sugs) == 0 {
			return hr, fmt.Errorf("no suggestion after %d trials, none of them running", len(trials))
		}
		for _, s := range sugs {
			x := hartmannX(s.Params)
			e := int(num(s.Params, epochsParam))
			if e < 1 || e > maxEpochs {
				return hr, fmt.Errorf("suggestion %d: %s=%d is outside 1..%d", len(trials), epochsParam, e, maxEpochs)
			}
			curve := mfCurve(x, e, maxEpochs)
			v := curve[e-1].Value
			trials = append(trials, search.Trial{Index: len(trials), Params: s.Params, State: search.Completed, Value: v, Curve: curve, Meta: s.Meta})
			hr.Epochs += e
			if e > bestEpochs || e == bestEpochs && v < bestReported {
				bestEpochs, bestReported, bestTrue = e, v, hartmannValue(x)
			}
		}
	}
	if len(trials) == 0 {
		return hr, fmt.Errorf("hyperband proposed no trial")
	}
	hr.Regret = bestTrue - hartmannMin
	hr.RandomTrials = max(1, hr.Epochs/maxEpochs)
	r, err := newAlg(search.Config{Algorithm: "random", Space: hartmannSpace(), Seed: seed})
	if err != nil {
		return hr, err
	}
	run, err := searchRun(r, hartmann6(), hr.RandomTrials, batch)
	if err != nil {
		return hr, fmt.Errorf("random search: %w", err)
	}
	hr.RandomRegret = BestSoFar(run.Values, hartmannMin, hr.RandomTrials)[hr.RandomTrials-1]
	return hr, nil
}

// StopRun is what one seed of random search found on the multi-fidelity
// Hartmann-6 with and without early stopping, on the same trials.
type StopRun struct {
	Epochs     int     // consumed with stopping
	FullEpochs int     // without stopping: trials x maxEpochs
	Stopped    int     // trials stopped early
	Regret     float64 // best objective with stopping, minus the minimum
	FullRegret float64 // best objective without stopping, minus the minimum
}

// stopRun runs random search for trials trials in batches, each batch
// trained epoch by epoch in step; after every epoch the stopper sees every
// trial (finished ones with their objective, running ones with their curve
// so far) and the trials it names stop, their last value standing as their
// objective. Random search does not learn, so the same seed proposes the
// same trials with and without stopping, and the run without is computed
// from the same points.
func stopRun(newAlg Constructor, newStop StopperConstructor, settings map[string]string, seed uint64, trials, maxEpochs, batch int) (StopRun, error) {
	var sr StopRun
	alg, err := newAlg(search.Config{Algorithm: "random", Space: hartmannSpace(), Seed: seed})
	if err != nil {
		return sr, err
	}
	stopper, err := newStop(search.StopperConfig{Algorithm: "medianstop", Goal: search.Minimize, Settings: settings})
	if err != nil {
		return sr, err
	}
	var all []search.Trial
	best, fullBest := math.Inf(1), math.Inf(1)
	for len(all) < trials {
		sugs, err := alg.Suggest(all, min(batch, trials-len(all)))
		if err != nil {
			return sr, fmt.Errorf("random search: %w", err)
		}
		first := len(all)
		xs := make([][6]float64, len(sugs))
		for i, s := range sugs {
			xs[i] = hartmannX(s.Params)
			all = append(all, search.Trial{Index: len(all), Params: s.Params, State: search.Running, Value: math.NaN()})
			fullBest = math.Min(fullBest, hartmannValue(xs[i]))
		}
		for t := 1; t <= maxEpochs; t++ {
			for i := range sugs {
				tr := &all[first+i]
				if tr.State != search.Running {
					continue
				}
				v := mfValue(xs[i], t, maxEpochs)
				tr.Curve = append(tr.Curve, search.Step{Step: t, Value: v})
				sr.Epochs++
				if t == maxEpochs {
					tr.State, tr.Value = search.Completed, v
				}
			}
			for _, st := range stopper.Stop(all) {
				if st.Index < first || st.Index >= len(all) || all[st.Index].State != search.Running {
					return sr, fmt.Errorf("medianstop stopped trial %d, which is not running", st.Index)
				}
				tr := &all[st.Index]
				tr.State, tr.Value = search.EarlyStopped, tr.Curve[len(tr.Curve)-1].Value
				sr.Stopped++
			}
		}
		for i := first; i < len(all); i++ {
			best = math.Min(best, all[i].Value)
		}
	}
	sr.FullEpochs = trials * maxEpochs
	sr.Regret = best - hartmannMin
	sr.FullRegret = fullBest - hartmannMin
	return sr, nil
}
