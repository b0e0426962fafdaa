package space

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// v returns a value written on line.
func v(x any, line int) Value {
	text := ""
	switch y := x.(type) {
	case string:
		text = y
	case int64:
		text = strconv.FormatInt(y, 10)
	case float64:
		text = strconv.FormatFloat(y, 'g', -1, 64)
	case bool:
		text = strconv.FormatBool(y)
	}
	return Value{V: x, Text: text, Pos: Pos{Line: line, Col: 1}}
}

func axis(name string, line int, vals ...any) Axis {
	a := Axis{Name: name, Pos: Pos{Line: line, Col: 1}}
	for _, x := range vals {
		a.Values = append(a.Values, v(x, line))
	}
	return a
}

// row builds a row from name, value pairs.
func row(line int, kv ...any) Row {
	r := Row{Pos: Pos{Line: line, Col: 1}}
	for i := 0; i < len(kv); i += 2 {
		r.Names = append(r.Names, kv[i].(string))
		r.Values = append(r.Values, v(kv[i+1], line))
	}
	return r
}

// strs renders points as name=value strings.
func strs(points []Point) []string {
	out := make([]string, len(points))
	for i, p := range points {
		out[i] = p.Params.String()
	}
	return out
}

func TestExpandOrder(t *testing.T) {
	tests := map[string]struct {
		space Space
		want  []string
		warns []string
	}{
		"grid: first axis slowest": {
			space: Space{Grid: []Axis{axis("a", 1, "x", "y"), axis("b", 2, int64(1), int64(2), int64(3))}},
			want:  []string{"a=x,b=1", "a=x,b=2", "a=x,b=3", "a=y,b=1", "a=y,b=2", "a=y,b=3"},
		},
		"grid x list: the seed's shape": {
			space: Space{
				Grid: []Axis{axis("model", 1, "m1", "m2")},
				List: []Row{row(3, "epochs", int64(10), "act", "relu"), row(4, "act", "tanh", "epochs", int64(20))},
			},
			want: []string{"model=m1,epochs=10,act=relu", "model=m1,epochs=20,act=tanh", "model=m2,epochs=10,act=relu", "model=m2,epochs=20,act=tanh"},
		},
		"list only": {
			space: Space{List: []Row{row(1, "a", "x"), row(2, "a", "y")}},
			want:  []string{"a=x", "a=y"},
		},
		"exclude and include": {
			space: Space{
				Grid:    []Axis{axis("a", 1, "x", "y"), axis("b", 2, int64(1), int64(2))},
				Exclude: []Match{{Names: []string{"a", "b"}, Values: [][]Value{{v("y", 5)}, {v(int64(1), 5), v(int64(2), 5)}}, Pos: Pos{Line: 5}}},
				Include: []Row{row(7, "b", int64(9), "a", "z")},
			},
			want: []string{"a=x,b=1", "a=x,b=2", "a=z,b=9"},
		},
		"exclude matching nothing warns": {
			space: Space{
				File:    "e.yaml",
				Grid:    []Axis{axis("a", 1, "x", "y")},
				Exclude: []Match{{Names: []string{"a"}, Values: [][]Value{{v("w", 4)}}, Pos: Pos{Line: 4}}},
			},
			want:  []string{"a=x", "a=y"},
			warns: []string{"e.yaml:4: exclude rule matches no trial"},
		},
		"exclude compares numbers by value": {
			space: Space{
				Grid:    []Axis{axis("d", 1, 0.5, 1.0)},
				Exclude: []Match{{Names: []string{"d"}, Values: [][]Value{{v(int64(1), 4)}}, Pos: Pos{Line: 4}}},
			},
			want: []string{"d=0.5"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			points, warns, err := tc.space.Expand()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, strs(points)); diff != "" {
				t.Errorf("trials (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.warns, warns); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandErrors(t *testing.T) {
	big := axis("a", 1)
	for i := range 400 {
		big.Values = append(big.Values, v(int64(i), 1))
	}
	tests := map[string]struct {
		space Space
		err   string
	}{
		"empty space":   {space: Space{Pos: Pos{Line: 3, Col: 3}}, err: "f.yaml:3:3: the parameter space is empty: give grid, list or random"},
		"include only":  {space: Space{Include: []Row{row(4, "a", "x")}}, err: "f.yaml:4:1: include adds trials to grid, list or random: write explicit rows under list"},
		"empty axis":    {space: Space{Grid: []Axis{axis("a", 2)}}, err: "f.yaml:2:1: grid axis \"a\" has no values"},
		"bad name":      {space: Space{Grid: []Axis{axis("1a", 2, "x")}}, err: "f.yaml:2:1: invalid parameter name \"1a\": want a letter or _ followed by letters, digits, _ or - (not ending in -)"},
		"reserved name": {space: Space{Grid: []Axis{axis("env", 2, "x")}}, err: "f.yaml:2:1: parameter name \"env\" is reserved for ${env.NAME}"},
		"value listed twice": {space: Space{Grid: []Axis{{Name: "a", Pos: Pos{Line: 2}, Values: []Value{v(int64(1), 2), v(1.0, 3)}}}},
			err: "f.yaml:3:1: value 1 of \"a\" is listed twice (first at line 2)"},
		"defined twice": {space: Space{Grid: []Axis{axis("a", 2, "x")}, List: []Row{row(5, "a", "y")}},
			err: "f.yaml:5:1: parameter \"a\" is defined twice (first at line 2)"},
		"rows differ": {space: Space{List: []Row{row(2, "a", "x", "b", "y"), row(3, "a", "x")}},
			err: "f.yaml:3:1: all rows of list must name the same parameters: this row names [a], the row at line 2 names [a, b]"},
		"duplicate rows": {space: Space{List: []Row{row(2, "a", "x"), row(3, "a", "x")}},
			err: "f.yaml:3:1: duplicate trial a=x: the trial from line 2 has the same parameters"},
		"include misses a name": {space: Space{Grid: []Axis{axis("a", 2, "x"), axis("b", 3, "y")}, Include: []Row{row(6, "a", "z")}},
			err: "f.yaml:6:1: include rows must name every parameter: this row names [a], the parameters are [a, b]"},
		"include duplicates a trial": {space: Space{Grid: []Axis{axis("a", 2, "x")}, Include: []Row{row(6, "a", "x")}},
			err: "f.yaml:6:1: duplicate trial a=x: the trial from line 2 has the same parameters"},
		"exclude unknown name": {space: Space{Grid: []Axis{axis("a", 2, "x")}, Exclude: []Match{{Names: []string{"b"}, Values: [][]Value{{v("x", 4)}}, Pos: Pos{Line: 4}}}},
			err: "f.yaml:4: exclude names \"b\", which is not a parameter (parameters: [a])"},
		"exclude removes all": {space: Space{Pos: Pos{Line: 1}, Grid: []Axis{axis("a", 2, "x")}, Exclude: []Match{{Names: []string{"a"}, Values: [][]Value{{v("x", 4)}}, Pos: Pos{Line: 4}}}},
			err: "f.yaml:1: the parameter space has no trials: exclude removes all 1"},
		"too many trials": {space: Space{Grid: []Axis{big, {Name: "b", Pos: Pos{Line: 2}, Values: big.Values}, {Name: "c", Pos: Pos{Line: 3}, Values: big.Values}}},
			err: "f.yaml:2: the parameter space has more than 100000 trials"},
		"log uniform at zero": {space: Space{Random: &Random{Count: 1, Params: []Dist{{Name: "lr", Kind: LogUniform, Min: 0, Max: 1, Pos: Pos{Line: 4}}}}},
			err: "f.yaml:4: logUniform of \"lr\" needs 0 < low <= high, got [0, 1]"},
		"uniform reversed": {space: Space{Random: &Random{Count: 1, Params: []Dist{{Name: "d", Kind: Uniform, Min: 2, Max: 1, Pos: Pos{Line: 4}}}}},
			err: "f.yaml:4: uniform of \"d\" needs finite bounds low <= high, got [2, 1]"},
		"too few distinct samples": {space: Space{Random: &Random{Count: 3, Pos: Pos{Line: 2}, Params: []Dist{{Name: "a", Kind: Choice, Choices: []Value{v("x", 3), v("y", 3)}, Pos: Pos{Line: 3}}}}},
			err: "f.yaml:2: random: only 2 distinct samples after 1030 draws; lower random.count or widen the distributions"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.space.File = "f.yaml"
			_, _, err := tc.space.Expand()
			if err == nil || err.Error() != tc.err {
				t.Fatalf("error = %v\nwant    %s", err, tc.err)
			}
		})
	}
}

func TestRandom(t *testing.T) {
	sp := Space{
		Grid: []Axis{axis("batch", 1, int64(64), int64(128))},
		Random: &Random{Count: 5, Seed: 42, Params: []Dist{
			{Name: "lr", Kind: LogUniform, Min: 1e-4, Max: 0.1},
			{Name: "dropout", Kind: Uniform, Min: 0.1, Max: 0.9},
			{Name: "layers", Kind: IntUniform, Min: 1, Max: 4},
			{Name: "act", Kind: Choice, Choices: []Value{v("relu", 1), v("tanh", 1)}},
		}},
	}
	a, _, err := sp.Expand()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := sp.Expand()
	if diff := cmp.Diff(strs(a), strs(b)); diff != "" {
		t.Fatalf("the same seed gave other samples (-first +second):\n%s", diff)
	}
	if len(a) != 10 {
		t.Fatalf("got %d trials, want 10", len(a))
	}
	for i, p := range a[:5] {
		if got, want := p.Params[1:].String(), a[5+i].Params[1:].String(); got != want {
			t.Errorf("batch=128 sample %d = %s, want the batch=64 sample %s", i, want, got)
		}
		lr, _ := p.Params.Get("lr")
		d, _ := p.Params.Get("dropout")
		l, _ := p.Params.Get("layers")
		if x := lr.(float64); x < 1e-4 || x > 0.1 {
			t.Errorf("lr %v out of range", x)
		}
		if x := d.(float64); x < 0.1 || x > 0.9 {
			t.Errorf("dropout %v out of range", x)
		}
		if x := l.(int64); x < 1 || x > 4 {
			t.Errorf("layers %v out of range", x)
		}
		for _, txt := range p.Text[1:3] {
			digits := strings.TrimLeft(strings.NewReplacer(".", "", "e-", "").Replace(txt), "0")
			if len(digits) > DefaultDigits+2 {
				t.Errorf("sampled float %q keeps more than %d significant digits", txt, DefaultDigits)
			}
		}
	}
	sp.Random.Seed = 43
	c, _, _ := sp.Expand()
	if cmp.Equal(strs(a), strs(c)) {
		t.Error("seed 43 gave the samples of seed 42")
	}
}

func TestCanonical(t *testing.T) {
	p := params.Params{{Name: "b", Value: 0.5}, {Name: "a", Value: "x\"y"}, {Name: "c", Value: int64(10)}, {Name: "d", Value: 10.0}, {Name: "e", Value: true}}
	want := `{"a":"x\"y","b":0.5,"c":10,"d":10,"e":true}`
	if got := Canonical(p); got != want {
		t.Errorf("Canonical = %s, want %s", got, want)
	}
}

func TestExpandLimit(t *testing.T) {
	grid := []Axis{axis("a", 1, "x", "y", "z"), axis("b", 2, int64(1), int64(2))}
	tests := map[string]struct {
		space Space
		want  []string
		warns []string
	}{
		"first trials in order": {
			space: Space{Grid: grid, Limit: 4},
			want:  []string{"a=x,b=1", "a=x,b=2", "a=y,b=1", "a=y,b=2"},
		},
		"limit above the size keeps all": {
			space: Space{Grid: grid[1:], Limit: 10},
			want:  []string{"b=1", "b=2"},
		},
		"excluded trials do not count": {
			space: Space{Grid: grid, Limit: 2, Exclude: []Match{{Names: []string{"b"}, Values: [][]Value{{v(int64(1), 4)}}, Pos: Pos{Line: 4}}}},
			want:  []string{"a=x,b=2", "a=y,b=2"},
		},
		"an exclude rule beyond the limit is not reported": {
			space: Space{File: "e.yaml", Grid: grid, Limit: 1, Exclude: []Match{{Names: []string{"a"}, Values: [][]Value{{v("z", 4)}}, Pos: Pos{Line: 4}}}},
			want:  []string{"a=x,b=1"},
		},
		"include rows count": {
			space: Space{Grid: grid[1:], Limit: 3, Include: []Row{row(5, "b", int64(7)), row(6, "b", int64(8))}},
			want:  []string{"b=1", "b=2", "b=7"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			points, warns, err := tc.space.Expand()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, strs(points)); diff != "" {
				t.Errorf("trials (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.warns, warns); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if got := tc.space.Size(); got < len(points) || tc.space.Limit > 0 && got > tc.space.Limit {
				t.Errorf("Size() = %d for %d trials and limit %d", got, len(points), tc.space.Limit)
			}
		})
	}
}

// A limit lets a grid larger than MaxTrials through, and expands only
// what it keeps.
func TestExpandLimitOfHugeGrid(t *testing.T) {
	var axes []Axis
	for i := range 6 {
		a := axis("p"+strconv.Itoa(i), i+1)
		for j := range 20 {
			a.Values = append(a.Values, v(int64(j), i+1))
		}
		axes = append(axes, a)
	}
	s := Space{File: "f.yaml", Grid: axes} // 20^6 = 64,000,000
	if _, _, err := s.Expand(); err == nil || !strings.Contains(err.Error(), "more than 100000 trials") {
		t.Fatalf("without a limit: err = %v, want too many trials", err)
	}
	s.Grid = axes[:5] // 3,200,000
	s.Limit = 12
	points, _, err := s.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 12 || points[11].Params.String() != "p0=0,p1=0,p2=0,p3=0,p4=11" {
		t.Errorf("got %d trials, last %s", len(points), points[len(points)-1].Params)
	}
	s.Grid, s.LimitPos = axes, Pos{Line: 9, Col: 3}
	if _, _, err := s.Expand(); err == nil || !strings.Contains(err.Error(), "more than 10000000 combinations to choose the first 12 trials from") {
		t.Errorf("err = %v, want too many combinations", err)
	}
	s.Limit = -1
	if _, _, err := s.Expand(); err == nil || err.Error() != "f.yaml:9:3: limit must be between 1 and 100000, got -1" {
		t.Errorf("err = %v", err)
	}
}

// BenchmarkExpandLimit expands the first 1,000 trials of grids of growing
// size: the cost follows the trials kept, not the size of the product.
func BenchmarkExpandLimit(b *testing.B) {
	for _, axes := range []int{3, 5, 7} { // 10^3, 10^5, 10^7 combinations
		var s Space
		for i := range axes {
			a := axis("p"+strconv.Itoa(i), i+1)
			for j := range 10 {
				a.Values = append(a.Values, v(int64(j), i+1))
			}
			s.Grid = append(s.Grid, a)
		}
		s.Limit = 1000
		b.Run(strconv.Itoa(axes)+"-axes", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				points, _, err := s.Expand()
				if err != nil || len(points) != 1000 {
					b.Fatalf("%d points, %v", len(points), err)
				}
			}
		})
	}
}
