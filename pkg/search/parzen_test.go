package search

import (
	"math"
	"testing"
)

// The expected values of this file were computed by Optuna 3.1.0's own
// functions (samplers/_tpe/_truncnorm.py and parzen_estimator.py) with
// /usr/bin/python3: hack/tpecheck/expected.py prints them.

func closeTo(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

func checkFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if !closeTo(got[i], want[i]) {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

func TestTruncNormMatchesOptuna(t *testing.T) {
	for _, c := range []struct {
		a, b float64
		want []float64 // quantiles 0.1, 0.5, 0.9
	}{
		{-0.5, 3, []float64{-0.3119249110381257, 0.3950413667808874, 1.473106545711531}},
		{-30, 0.2, []float64{-1.5724253377451922, -0.5544663781767185, 0.053501264699789344}},
		{0, 50, []float64{0.12566134685507407, 0.6744897501960818, 1.6448536269514733}},
	} {
		var got []float64
		for _, u := range []float64{0.1, 0.5, 0.9} {
			got = append(got, truncNormQuantile(u, c.a, c.b))
		}
		checkFloats(t, "quantiles", got, c.want)
	}
	var mass []float64
	for _, ab := range [][2]float64{{-0.5, 3}, {-30, 0.2}, {-3, -2}, {1, 40}} {
		mass = append(mass, logGaussMass(ab[0], ab[1]))
	}
	checkFloats(t, "log masses", mass, []float64{-0.3709005595620325, -0.5460043537227741, -3.8443534263342047, -1.8410216450092634})
}

// parzenSpace and parzenObs are expected.py's SPACE and OBS: a float, a
// log float, a stepped int, a categorical and a log int.
func parzenSpace() Space {
	return Space{
		{Name: "f", Type: Double, Min: -5, Max: 10},
		{Name: "lg", Type: Double, Min: 1e-4, Max: 1e-1, Dist: LogUniform},
		{Name: "i", Type: Int, Min: 1, Max: 10, Step: 2},
		{Name: "c", Type: Categorical, Choices: []any{"a", "b", "c"}},
		{Name: "li", Type: Int, Min: 1, Max: 64, Dist: LogUniform},
	}
}

var parzenObs = [][]any{
	{1.0, 1e-3, int64(3), "a", int64(2)},
	{-2.5, 5e-2, int64(5), "c", int64(60)},
	{7.0, 2e-4, int64(9), "c", int64(7)},
	{7.0, 2e-4, int64(1), "b", int64(1)},
	{3.2, 1e-2, int64(3), "c", int64(7)},
}

// parzenPoint is expected.py's POINTS, where the log densities are taken.
var parzenPoint = []any{6.5, 3e-3, int64(5), "c", int64(8)}

func parzenFit(cols []int, multivariate bool) (*parzenEstimator, []float64) {
	sp := parzenSpace()
	var dims []parzenDim
	for _, j := range cols {
		dims = append(dims, newParzenDim(&sp[j]))
	}
	var obs [][]float64
	for _, row := range parzenObs {
		var r []float64
		for k, j := range cols {
			r = append(r, dims[k].internal(row[j]))
		}
		obs = append(obs, r)
	}
	var x []float64
	for k, j := range cols {
		x = append(x, dims[k].internal(parzenPoint[j]))
	}
	return newParzenEstimator(obs, dims, parzenOptions{priorWeight: 1, multivariate: multivariate}), x
}

func TestParzenEstimatorMatchesOptuna(t *testing.T) {
	sixth := []float64{1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6}
	for _, c := range []struct {
		name        string
		col         int
		low, high   float64
		mus, sigmas []float64
		cats        [][]float64
		logPDF      float64
	}{
		{name: "f", col: 0, low: -5, high: 10,
			mus:    []float64{1.0, -2.5, 7.0, 7.0, 3.2, 2.5},
			sigmas: []float64{3.5, 3.5, 3.8, 2.142857142857143, 3.8, 15.0},
			logPDF: -0.9322957863739406},
		{name: "lg", col: 1, low: -9.210340371976182, high: -2.3025850929940455,
			mus:    []float64{-6.907755278982137, -2.995732273553991, -8.517193191416238, -8.517193191416238, -4.605170185988091, -5.756462732485113},
			sigmas: []float64{1.6094379124341014, 1.6094379124341, 0.9868221827117338, 1.6094379124341014, 1.6094379124341, 6.907755278982137},
			logPDF: -1.0989788395168878},
		{name: "i", col: 2, low: 0, high: 10,
			mus:    []float64{3.0, 5.0, 9.0, 1.0, 3.0, 5.0},
			sigmas: []float64{2.0, 2.0, 4.0, 2.0, 2.0, 10.0},
			logPDF: -1.4496785848178033},
		{name: "c", col: 3,
			cats: [][]float64{
				{0.7777777777777777, 0.11111111111111109, 0.11111111111111109},
				{0.1111111111111111, 0.1111111111111111, 0.7777777777777778},
				{0.1111111111111111, 0.1111111111111111, 0.7777777777777778},
				{0.11111111111111109, 0.7777777777777777, 0.11111111111111109},
				{0.1111111111111111, 0.1111111111111111, 0.7777777777777778},
				{0.3333333333333333, 0.3333333333333333, 0.3333333333333333}},
			logPDF: -0.7308875085427923},
		{name: "li", col: 4, low: -0.6931471805599453, high: 4.1666652238017265,
			mus:    []float64{0.6931471805599453, 4.0943445622221, 1.9459101490553132, 0.0, 1.9459101490553132, 1.7367590216208906},
			sigmas: []float64{1.0436118410609452, 2.148434413166787, 0.6942589149088103, 0.6942589149088103, 2.148434413166787, 4.859812404361672},
			logPDF: -0.8096068579392325},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, x := parzenFit([]int{c.col}, false)
			checkFloats(t, "weights", e.weights, sixth)
			if c.cats != nil {
				for k := range c.cats {
					checkFloats(t, "categorical weights", e.cats[0][k], c.cats[k])
				}
			} else {
				checkFloats(t, "bounds", []float64{e.dims[0].low, e.dims[0].high}, []float64{c.low, c.high})
				checkFloats(t, "mus", e.mus[0], c.mus)
				checkFloats(t, "sigmas", e.sigmas[0], c.sigmas)
			}
			if got := e.logPDF(x); !closeTo(got, c.logPDF) {
				t.Errorf("log pdf at %v = %v, want %v", parzenPoint[c.col], got, c.logPDF)
			}
		})
	}
}

func TestMultivariateParzenEstimatorMatchesOptuna(t *testing.T) {
	e, x := parzenFit([]int{0, 1, 2, 3, 4}, true)
	for j, want := range map[int][]float64{
		0: {2.50875309285112, 2.50875309285112, 2.50875309285112, 2.50875309285112, 2.50875309285112, 15.0},
		1: {1.1553234947203392, 1.1553234947203392, 1.1553234947203392, 1.1553234947203392, 1.1553234947203392, 6.907755278982137},
		2: {1.672502061900747, 1.672502061900747, 1.672502061900747, 1.672502061900747, 1.672502061900747, 10.0},
		4: {0.8128046266745723, 0.8128046266745723, 0.8128046266745723, 0.8128046266745723, 0.8128046266745723, 4.859812404361672},
	} {
		checkFloats(t, "sigmas of "+e.dims[j].p.Name, e.sigmas[j], want)
	}
	if got, want := e.logPDF(x), -4.332820252954791; !closeTo(got, want) {
		t.Errorf("joint log pdf = %v, want %v", got, want)
	}
}

// Samples stay on the parameters' values, inside their bounds.
func TestParzenSamplesAreFeasible(t *testing.T) {
	e, _ := parzenFit([]int{0, 1, 2, 3, 4}, true)
	sp := parzenSpace()
	for _, x := range e.sample(Rand(3, 0), 200) {
		vals := make([]any, len(x))
		for j := range x {
			vals[j] = e.dims[j].external(x[j])
			if f, ok := vals[j].(float64); ok && sp[j].Type == Int && f != math.Round(f) {
				t.Errorf("%s = %v is not an integer", sp[j].Name, f)
			}
		}
		checkFeasible(t, sp, Suggestion{Params: sp.Params(vals)})
	}
}
