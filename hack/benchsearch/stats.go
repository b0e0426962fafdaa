package main

import (
	"math"
	"sort"
)

// Quantile returns the q-quantile of xs, interpolating linearly between
// order statistics (type 7 of Hyndman and Fan, numpy's and R's default).
// NaNs are left out; none left gives NaN.
func Quantile(xs []float64, q float64) float64 {
	s := finite(xs)
	if len(s) == 0 {
		return math.NaN()
	}
	sort.Float64s(s)
	h := q * float64(len(s)-1)
	lo := math.Floor(h)
	if int(lo) >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[int(lo)] + (h-lo)*(s[int(lo)+1]-s[int(lo)])
}

// Median is Quantile(xs, 0.5).
func Median(xs []float64) float64 { return Quantile(xs, 0.5) }

// finite returns a copy of xs without NaNs.
func finite(xs []float64) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out
}

// MannWhitneyLess returns the one-sided p-value of the Mann-Whitney U test
// that x tends to be smaller than y (H1: P(X < Y) > 1/2), from the normal
// approximation with midranks for ties, their correction of the variance,
// and a continuity correction (as scipy.stats.mannwhitneyu with
// method="asymptotic", alternative="less"). NaNs are left out; an empty
// sample or no spread at all gives 1.
func MannWhitneyLess(x, y []float64) float64 {
	x, y = finite(x), finite(y)
	n1, n2 := float64(len(x)), float64(len(y))
	if n1 == 0 || n2 == 0 {
		return 1
	}
	type obs struct {
		v     float64
		fromX bool
	}
	all := make([]obs, 0, len(x)+len(y))
	for _, v := range x {
		all = append(all, obs{v, true})
	}
	for _, v := range y {
		all = append(all, obs{v, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	n := n1 + n2
	rankX, ties := 0.0, 0.0
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		mid := float64(i+j+1) / 2 // ranks i+1..j
		t := float64(j - i)
		ties += t*t*t - t
		for k := i; k < j; k++ {
			if all[k].fromX {
				rankX += mid
			}
		}
		i = j
	}
	u := rankX - n1*(n1+1)/2
	mean := n1 * n2 / 2
	variance := n1 * n2 / 12 * ((n + 1) - ties/(n*(n-1)))
	if variance <= 0 {
		return 1
	}
	// P(U <= u) under H0, with the continuity correction toward the mean.
	z := (u + 0.5 - mean) / math.Sqrt(variance)
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}
