package search

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// The points below are scipy.stats.qmc.Sobol(scramble=False)'s (scipy
// 1.10.1), as integers x * 2^30; testdata/sobol_points.py prints them.
var (
	// scipyFirstPoints are points 0 to 8 in 5 dimensions.
	scipyFirstPoints = [][]uint32{
		{0, 0, 0, 0, 0},
		{536870912, 536870912, 536870912, 536870912, 536870912},
		{805306368, 268435456, 268435456, 268435456, 805306368},
		{268435456, 805306368, 805306368, 805306368, 268435456},
		{402653184, 402653184, 671088640, 939524096, 402653184},
		{939524096, 939524096, 134217728, 402653184, 939524096},
		{671088640, 134217728, 939524096, 671088640, 671088640},
		{134217728, 671088640, 402653184, 134217728, 134217728},
		{201326592, 335544320, 1006632960, 469762048, 603979776},
	}
	// scipyPoint1000 is point 1000 in 100 dimensions.
	scipyPoint1000 = []uint32{235929600, 103809024, 556793856, 726663168, 300941312, 974127104, 49283072, 965738496, 537919488, 74448896, 91226112, 273678336, 173015040, 412090368, 154140672, 397410304, 772800512, 370147328, 1064304640, 779091968, 560988160, 590348288, 1020264448, 579862528, 625999872, 974127104, 42991616, 1051721728, 63963136, 365953024, 158334976, 156237824, 317718528, 636485632, 860880896, 827326464, 911212544, 892338176, 330301440, 514850816, 980418560, 273678336, 1030750208, 753926144, 902823936, 99614720, 936378368, 986710016, 1072693248, 514850816, 378535936, 554696704, 808452096, 470810624, 135266304, 957349888, 487587840, 84934656, 948961280, 613416960, 479199232, 646971392, 277872640, 479199232, 139460608, 533725184, 600834048, 63963136, 206569472, 919601152, 164626432, 273678336, 978321408, 256901120, 198180864, 961544192, 569376768, 573571072, 909115392, 128974848, 116391936, 791674880, 997195776, 804257792, 368050176, 1055916032, 1009778688, 514850816, 628097024, 758120448, 825229312, 573571072, 7340032, 644874240, 393216000, 930086912, 258998272, 821035008, 875560960, 200278016}
	// scipyPoint123456789 is point 123456789 in 100 dimensions: it uses
	// direction numbers up to bit 27.
	scipyPoint123456789 = []uint32{1047862216, 850867304, 6878296, 975803336, 939372104, 914141784, 1047228488, 743323784, 688902504, 433713256, 852415800, 1053427096, 392611784, 774148312, 1044055496, 737373384, 1042829768, 1031973320, 192432872, 1047627064, 256158392, 412449240, 117514312, 743640344, 958060424, 94291816, 435309064, 703451192, 490607880, 147822264, 834119160, 520510088, 224332120, 294818456, 493863832, 295367064, 294113832, 88106312, 144204712, 1071050888, 54610408, 524660056, 42303640, 815086504, 283151240, 489244184, 429052392, 932498376, 574361992, 739928696, 269837032, 425668760, 440197160, 630477624, 283768552, 391134456, 139589592, 529603960, 168872856, 42257976, 213396136, 576514520, 144999496, 271909448, 944922984, 426427096, 443870296, 933554200, 449621400, 691995512, 578586424, 62692520, 636360, 1073354008, 651540616, 832861256, 325351320, 73110184, 977605096, 404386120, 902378840, 440652520, 26839448, 741026232, 826130936, 1043416632, 440519816, 362407592, 8267096, 600851512, 637126648, 232792728, 2762824, 29506536, 966604936, 983249992, 348658344, 638230120, 743101400, 672347048}
)

// unitSpace has n continuous parameters on [0, 1] whose names sort in the
// space's order, so parameter k is dimension k of the sequence.
func unitSpace(n int) Space {
	s := make(Space, n)
	for k := range s {
		s[k] = Param{Name: fmt.Sprintf("x%03d", k), Type: Double, Min: 0, Max: 1}
	}
	return s
}

func newSobolSearch(t *testing.T, s Space) *sobolSearch {
	t.Helper()
	a, err := newSobol(Config{Algorithm: "sobol", Space: s})
	if err != nil {
		t.Fatal(err)
	}
	return a.(*sobolSearch)
}

// Suggestion i is point i+1 of scipy's sequence: goptuna skips point 0.
func TestSobolFirstSuggestionsArePublishedPoints(t *testing.T) {
	a, err := New(Config{Algorithm: "sobol", Space: unitSpace(5), Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var trials []Trial
	for len(trials) < len(scipyFirstPoints)-1 {
		sugs, err := a.Suggest(trials, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugs {
			trials = append(trials, Trial{Index: len(trials), Params: s.Params, State: Running, Value: math.NaN()})
		}
	}
	for i, tr := range trials[:len(scipyFirstPoints)-1] {
		for k, want := range scipyFirstPoints[i+1] {
			if got := tr.Params[k].Value.(float64) * (1 << 30); got != float64(want) {
				t.Errorf("suggestion %d, dimension %d: %v*2^30, want %d", i, k, got, want)
			}
		}
	}
}

// The embedded direction numbers give scipy's points in every dimension.
func TestSobolMatchesScipy(t *testing.T) {
	s := newSobolSearch(t, unitSpace(sobolMaxDim))
	for n, want := range map[uint32][]uint32{1000: scipyPoint1000, 123456789: scipyPoint123456789} {
		for k := range want {
			if got := s.point(n, k) * (1 << 30); got != float64(want[k]) {
				t.Errorf("point %d, dimension %d: %v*2^30, want %d", n, k+1, got, want[k])
			}
		}
	}
}

// Parameters take the dimensions of the sequence in the order of their
// names, as goptuna sorts them.
func TestSobolDimensionsByName(t *testing.T) {
	a, err := New(Config{Algorithm: "sobol", Space: Space{
		{Name: "y", Type: Double, Min: 0, Max: 1},
		{Name: "x", Type: Double, Min: 0, Max: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	sugs, err := a.Suggest([]Trial{{Index: 0, State: Completed, Value: 1}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Point 2 is (0.75, 0.25): x, first by name, takes 0.75.
	if got := Key(sugs[0].Params); got != "y=0.25\x00x=0.75\x00" {
		t.Errorf("suggestion 1 is %q, want y=0.25 and x=0.75", got)
	}
}

func TestCubeValue(t *testing.T) {
	for name, tc := range map[string]struct {
		p    Param
		u    []float64
		want []any
	}{
		"every integer gets the same share": {
			p:    Param{Type: Int, Min: 1, Max: 4},
			u:    []float64{0, 0.24, 0.26, 0.49, 0.51, 0.74, 0.76, 0.999},
			want: []any{int64(1), int64(1), int64(2), int64(2), int64(3), int64(3), int64(4), int64(4)},
		},
		"stepped double": {
			p:    Param{Type: Double, Min: 0.1, Max: 0.3, Step: 0.1},
			u:    []float64{0.1, 0.5, 0.9},
			want: []any{0.1, 0.2, 0.3},
		},
		"log scale": {
			p:    Param{Type: Double, Min: 1e-4, Max: 1, Dist: LogUniform},
			u:    []float64{0, 0.25, 0.5, 1},
			want: []any{1e-4, 1e-3, 1e-2, 1.0},
		},
		"normal counts as uniform": {
			p:    Param{Type: Double, Min: 0, Max: 8, Dist: Normal},
			u:    []float64{0.25, 0.5},
			want: []any{2.0, 4.0},
		},
		"categorical by bucket": {
			p:    Param{Type: Categorical, Choices: []any{"a", "b", "c"}},
			u:    []float64{0, 0.3, 0.34, 0.67, 1},
			want: []any{"a", "a", "b", "c", "c"},
		},
	} {
		for i, u := range tc.u {
			got := cubeValue(&tc.p, u)
			if f, ok := got.(float64); ok && math.Abs(f-tc.want[i].(float64)) < 1e-12 {
				continue
			}
			if got != tc.want[i] {
				t.Errorf("%s: cubeValue(%v) = %v (%T), want %v", name, u, got, got, tc.want[i])
			}
		}
	}
}

func TestSobolRefusesWhatKatibRefuses(t *testing.T) {
	_, err := New(Config{Algorithm: "sobol", Space: unitSpace(sobolMaxDim + 1)})
	if err == nil || !strings.Contains(err.Error(), "at most 100 parameters") {
		t.Errorf("101 parameters: err = %v", err)
	}
	_, err = New(Config{Algorithm: "sobol", Space: unitSpace(2), Settings: map[string]string{"scramble": "true"}})
	if err == nil || err.Error() != "unknown setting scramble for algorithm sobol: it takes no settings" {
		t.Errorf("scramble: err = %v", err)
	}
}
