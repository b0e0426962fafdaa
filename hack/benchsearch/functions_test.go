package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

const python = "/usr/bin/python3"

// needPython skips the test when /usr/bin/python3 (and, when asked,
// optuna) is missing, but fails it under CI=true: make check installs
// them (hack/benchsearch/deps.sh), so in CI a skip would hide a broken
// install.
func needPython(t *testing.T, withOptuna bool) {
	t.Helper()
	why := ""
	if _, err := os.Stat(python); err != nil {
		why = python + " is missing"
	} else if withOptuna {
		// find_spec does not import them: a second faster than importing optuna.
		check := "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ('optuna', 'scipy', 'cmaes')))"
		if err := exec.Command(python, "-c", check).Run(); err != nil {
			why = "optuna, scipy or cmaes is missing for " + python
		}
	}
	if why == "" {
		return
	}
	why += " (bash hack/benchsearch/deps.sh installs python3-optuna, python3-scipy and python3-cmaes)"
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// testPoints returns points of every function: its minimizers and random
// draws from its space.
func testPoints(t *testing.T) map[string][]params.Params {
	t.Helper()
	out := map[string][]params.Params{
		"branin": {
			branin().Space.Params([]any{-math.Pi, 12.275}),
			branin().Space.Params([]any{math.Pi, 2.275}),
			branin().Space.Params([]any{9.42478, 2.475}),
		},
		"hartmann6": {hartmannSpace().Params([]any{0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573})},
		"mixed":     {mixedSpace().Params([]any{"adam", mixedBestLR("adam", 96), int64(96), mixedBestDropout(96)})},
	}
	for _, f := range Functions() {
		alg, err := search.New(search.Config{Algorithm: "random", Space: f.Space, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		sugs, err := alg.Suggest(nil, 8)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugs {
			out[f.Name] = append(out[f.Name], s.Params)
		}
	}
	return out
}

// The Go functions and optuna_runner.py's give the same values.
func TestFunctionsAgreeWithPython(t *testing.T) {
	needPython(t, false)
	type point struct {
		Function string         `json:"function"`
		Params   map[string]any `json:"params"`
	}
	var pts []point
	var want []float64
	for _, f := range Functions() {
		for _, p := range testPoints(t)[f.Name] {
			m := map[string]any{}
			for _, kv := range p {
				m[kv.Name] = kv.Value
			}
			pts = append(pts, point{f.Name, m})
			want = append(want, f.Eval(p))
		}
	}
	in, _ := json.Marshal(pts)
	cmd := exec.Command(python, filepath.Join(".", "optuna_runner.py"), "eval")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("optuna_runner.py eval: %v: %s", err, stderr.String())
	}
	var got []float64
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d values from Python, want %d", len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s at %v: Python %v, Go %v", pts[i].Function, pts[i].Params, got[i], want[i])
		}
	}
}

// Each function's minimum is reached at its minimizer and nothing found
// around it or at random is lower.
func TestFunctionMinima(t *testing.T) {
	pts := testPoints(t)
	for _, f := range Functions() {
		at := f.Eval(pts[f.Name][0])
		tol := 1e-12
		if f.Name == "hartmann6" {
			tol = 1e-5 // x* is given to 6 digits
		}
		if math.Abs(at-f.Min) > tol {
			t.Errorf("%s at its minimizer: %v, want %v", f.Name, at, f.Min)
		}
		alg, _ := search.New(search.Config{Algorithm: "random", Space: f.Space, Seed: 11})
		sugs, _ := alg.Suggest(nil, 20000)
		for _, s := range sugs {
			if v := f.Eval(s.Params); v < f.Min {
				t.Fatalf("%s(%v) = %v, below its minimum %v", f.Name, s.Params, v, f.Min)
			}
		}
	}
	// The mixed minimum is the 96-unit point: 100 units is off the step.
	if want := 0.3 * math.Pow(math.Log2(96)-math.Log2(100), 2); math.Abs(mixed().Min-want) > 1e-15 {
		t.Errorf("mixed minimum %v, want %v", mixed().Min, want)
	}
}

// A descent from Hartmann-6's minimizer finds nothing below hartmannMin.
func TestHartmannMinimum(t *testing.T) {
	x := [6]float64{0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}
	best := hartmannValue(x)
	for step := 1e-3; step > 1e-10; step /= 2 {
		for improved := true; improved; {
			improved = false
			for j := range x {
				for _, d := range []float64{-step, step} {
					y := x
					y[j] += d
					if v := hartmannValue(y); v < best {
						x, best, improved = y, v, true
					}
				}
			}
		}
	}
	if best < hartmannMin-1e-12 || best > hartmannMin+1e-12 {
		t.Errorf("descent found %v at %v, want %v", best, x, hartmannMin)
	}
}
