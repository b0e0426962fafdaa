package main

import (
	"context"
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// checkFinite fails on a regret that is not a finite non-negative number
// in a series that ran.
func checkFinite(t *testing.T, who string, s *Series, trials int) {
	t.Helper()
	if s.Err != "" {
		t.Errorf("%s: %s", who, s.Err)
		return
	}
	for seed, r := range s.Regret {
		if len(r) != trials {
			t.Fatalf("%s seed %d: %d regrets, want %d", who, seed, len(r), trials)
		}
		for k, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < -1e-9 {
				t.Fatalf("%s seed %d: regret %v after %d trials", who, seed, v, k+1)
			}
			if k > 0 && v > r[k-1] {
				t.Fatalf("%s seed %d: best-so-far regret rose from %v to %v", who, seed, r[k-1], v)
			}
		}
	}
}

// checkSVG fails unless svg is well-formed XML with one polyline per curve.
func checkSVG(t *testing.T, svg string, curves int) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	lines := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v", err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "polyline" {
			lines++
		}
	}
	if lines != curves {
		t.Errorf("the SVG has %d curves, want %d", lines, curves)
	}
}

// The sample of make bench-search that make check runs: every algorithm
// built into pkg/search and every Optuna sampler, 3 seeds of 15 trials on
// Branin, Hyperband and median stopping when built; the report is
// produced and every number in it is finite.
func TestQuickSample(t *testing.T) {
	needPython(t, true)
	cfg := Config{
		Seeds: []uint64{1, 2, 3}, Trials: 15, Budgets: []int{15}, Batch: 3,
		Functions: []Function{branin()}, Settings: map[string]map[string]string{
			"hyperband": {"resource_name": epochsParam, "r_l": "9", "eta": "3"},
		},
		Optuna: optunaSamplers, Python: python, Runner: "optuna_runner.py", SobolScramble: true, Jobs: 1, PyJobs: 1,
		MultiFidelity: true, MaxEpochs: 9, HyperbandMaxTotal: 9 * 30, StopTrials: 15,
		New: search.New, NewStopper: search.NewStopper, Registered: search.Algorithms, Stoppers: search.Stoppers,
		Log: io.Discard,
	}
	start := time.Now()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the sample took %s", time.Since(start).Round(time.Millisecond))
	curves := 0
	for _, a := range res.Order {
		if !res.NotBuilt[a] {
			checkFinite(t, a, res.Ours[a]["branin"], cfg.Trials)
			curves++
		}
	}
	for _, s := range optunaSamplers {
		checkFinite(t, "optuna "+s, res.Optuna[s]["branin"], cfg.Trials)
		curves++
	}
	if res.OptunaVersion != "3.1.0" {
		t.Errorf("optuna %q, want 3.1.0 (Debian 12's python3-optuna)", res.OptunaVersion)
	}
	for _, st := range []string{res.HyperbandStatus, res.StopStatus} {
		if st != "" && st != "not built" {
			t.Error(st)
		}
	}
	md := res.Markdown("plot.svg", time.Now())
	for _, a := range res.Order {
		if !strings.Contains(md, "| 15 | "+a+" | ") {
			t.Errorf("no row for %s in\n%s", a, md)
		}
	}
	if strings.Contains(md, "NaN") || strings.Contains(md, "n/a") || strings.Contains(md, "Inf") {
		t.Errorf("a number is missing:\n%s", md)
	}
	checkSVG(t, res.SVG(), curves)
}

// The harness end to end with fake algorithms: one that runs out early, a
// one-bracket Hyperband and a median stopper; the document keeps its text
// around the generated section.
func TestHarnessWithFakes(t *testing.T) {
	cfg := fakeConfig()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkFinite(t, "random", res.Ours["random"]["mixed"], cfg.Trials)
	checkFinite(t, "fake", res.Ours["fake"]["branin"], cfg.Trials)
	if n := res.Ours["fake"]["branin"].Exhausted; n != len(cfg.Seeds) {
		t.Errorf("%d seeds of fake ran out, want %d", n, len(cfg.Seeds))
	}
	if res.HyperbandStatus != "" || res.StopStatus != "" {
		t.Fatalf("hyperband: %q, medianstop: %q", res.HyperbandStatus, res.StopStatus)
	}
	for _, h := range res.Hyperband {
		// 9 trials of 1 epoch, 3 of 3, 1 of 9: 3 full trials of random search.
		if h.Epochs != 27 || h.RandomTrials != 3 || h.Regret < 0 || h.RandomRegret < 0 {
			t.Errorf("hyperband run %+v, want 27 epochs and 3 random trials", h)
		}
	}
	for _, s := range res.Stop {
		if s.FullEpochs != 15*9 || s.Epochs >= s.FullEpochs || s.Stopped == 0 || s.Regret < s.FullRegret {
			t.Errorf("median stopping run %+v: want fewer epochs, some stops, no better regret", s)
		}
	}

	doc := filepath.Join(t.TempDir(), "search.md")
	os.WriteFile(doc, []byte("# Search\n\nBy hand.\n\n"+beginMarker+"\nold\n"+endMarker+"\n\n## After\n"), 0o644)
	if err := UpdateDoc(doc, res.Markdown("search-regret.svg", time.Now())); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(doc)
	got := string(b)
	for _, want := range []string{
		"# Search\n\nBy hand.\n\n" + beginMarker, endMarker + "\n\n## After\n",
		"| 6 | fake | ", "(5 seeds ran out)", "| 15 | tpe | not built | TPESampler | not run |",
		"| hyperband | 27 [27, 27] |", "| random + medianstop |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the document lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old\n") {
		t.Errorf("the old generated section is still there:\n%s", got)
	}
	checkSVG(t, res.SVG(), 2*len(res.Ours))
}
