package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t testing.TB, in Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGolden renders the seed's experiment and compares it byte for byte
// with testdata/seed.html (go test -update rewrites it): the output is
// deterministic, and a change to it is seen in review.
func TestGolden(t *testing.T) {
	got := render(t, seedInput())
	if again := render(t, seedInput()); again != got {
		t.Fatal("two renderings of the same input differ")
	}
	path := filepath.Join("testdata", "seed.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if got != string(want) {
		t.Errorf("report differs from %s (go test ./pkg/report -run TestGolden -update rewrites it, then review the diff)", path)
	}
}

// svgRE finds the SVG elements of a page.
var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// plot is one parsed SVG: its class and how many of each mark it holds.
type plot struct {
	class  string
	counts map[string]int // element name -> count; "trial" counts marks of trials
	best   int            // marks of the best trial
}

// plots parses every SVG of page as XML, failing on any that does not
// parse or holds a number that is not finite.
func plots(t testing.TB, page string) []plot {
	t.Helper()
	var out []plot
	for _, s := range svgRE.FindAllString(page, -1) {
		d := xml.NewDecoder(strings.NewReader(s))
		p := plot{counts: map[string]int{}}
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("SVG does not parse: %v\n%.300s", err, s)
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			p.counts[se.Name.Local]++
			for _, a := range se.Attr {
				if strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf") {
					t.Fatalf("attribute %s=%q of <%s> is not a number", a.Name.Local, a.Value, se.Name.Local)
				}
				switch {
				case se.Name.Local == "svg" && a.Name.Local == "class":
					p.class = a.Value
				case a.Name.Local == "class" && strings.HasPrefix(a.Value, "trial"):
					p.counts["trial"]++
					if strings.Contains(a.Value, "best") {
						p.best++
					}
				}
			}
		}
		out = append(out, p)
	}
	return out
}

func byClass(ps []plot, class string) []plot {
	var out []plot
	for _, p := range ps {
		if p.class == "plot "+class {
			out = append(out, p)
		}
	}
	return out
}

// TestPlotElements counts what each plot of the seed's report draws.
func TestPlotElements(t *testing.T) {
	page := render(t, seedInput())
	ps := plots(t, page)
	pc := byClass(ps, "parcoords")
	if len(pc) != 1 || pc[0].counts["polyline"] != 24 || pc[0].best != 1 {
		t.Errorf("parallel coordinates: %+v, want one plot with 24 lines, 1 best", pc)
	}
	curves := byClass(ps, "curves")
	if len(curves) != 4 {
		t.Errorf("%d learning-curve panels, want 4 (accuracy, val_accuracy, loss, val_loss)", len(curves))
	}
	for _, c := range curves {
		if c.counts["polyline"] != 19 || c.best != 1 || c.counts["polygon"] != 0 {
			t.Errorf("curve panel %v: want 19 lines (the succeeded trials), 1 best, no band", c.counts)
		}
	}
	panels := byClass(ps, "param")
	if len(panels) != 3 { // epochs is 10 everywhere: no panel
		t.Errorf("%d parameter panels, want 3", len(panels))
	}
	for _, p := range panels {
		if p.counts["circle"] != 19 {
			t.Errorf("parameter panel %v: want 19 dots", p.counts)
		}
	}
	use := byClass(ps, "usage")
	// 20 sampled trials (the failed one too) + 2 OOMKilled, each with a memory bar; CPU bars for the 20 sampled
	if len(use) != 1 || use[0].counts["rect"] != 22+20 {
		t.Errorf("usage: %+v, want 42 bars", use)
	}
	for _, s := range []string{"<h3>Out of memory (2)</h3>", "<h3>Failed (1)</h3>", "0/1 nodes are available: 1 Insufficient cpu.", "6Gi"} {
		if !strings.Contains(page, s) {
			t.Errorf("failures section lacks %q", s)
		}
	}
	if n := strings.Count(page, `<tr data-t=`); n != 24 {
		t.Errorf("%d table rows, want 24", n)
	}
}

// TestSelfContained checks the page refers to nothing outside itself.
func TestSelfContained(t *testing.T) {
	page := render(t, seedInput())
	for _, bad := range []string{"http://", "https://", "//cdn", " src=", "@import", "url(http"} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("page contains %q: ...%s...", bad, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d scripts, want 1 inline", n)
	}
}

// TestEscaping puts markup in every string the page shows.
func TestEscaping(t *testing.T) {
	evil := `<script>alert("x")</script>&'"`
	p := params.Params{{Name: evil, Value: evil}, {Name: "lr", Value: 0.1}}
	tr := []ranking.Trial{
		{Name: "a" + evil, Params: p, State: trial.Succeeded, Metrics: map[string]float64{evil: 1},
			Curves: map[string][]ranking.CurvePoint{evil: {{Step: 1, Value: 1}, {Step: 2, Value: 2}}}},
		{Name: "b", Params: params.Params{{Name: evil, Value: "x"}, {Name: "lr", Value: 0.2}}, State: trial.Failed, Metrics: map[string]float64{evil: 2}},
	}
	st := []trial.Status{{Name: "b", State: trial.Failed, Reason: evil, Message: evil}, {Name: "c", State: trial.Pending, Reason: evil, Message: evil}}
	page := render(t, Input{Experiment: evil, Namespace: evil, Table: ranking.Rank(tr, evil, ranking.Max), Statuses: st, Notes: []string{evil}})
	if strings.Contains(page, "<script>alert") || strings.Contains(page, `alert("x")`) {
		t.Errorf("markup got through unescaped")
	}
	plots(t, page) // every SVG still parses
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d scripts, want 1", n)
	}
}

// TestOddInputs renders inputs a real experiment can produce.
func TestOddInputs(t *testing.T) {
	one := []ranking.Trial{{Name: "only", Params: params.Params{{Name: "lr", Value: 0.1}}, State: trial.Succeeded, Metrics: map[string]float64{"acc": 0.5}}}
	nan := []ranking.Trial{{Name: "n", Params: params.Params{{Name: "lr", Value: 0.1}}, State: trial.Succeeded, Metrics: map[string]float64{"loss": math.NaN()}},
		{Name: "i", Params: params.Params{{Name: "lr", Value: 0.2}}, State: trial.Succeeded, Metrics: map[string]float64{"loss": math.Inf(1)}}}
	huge := []ranking.Trial{{Name: "h1", Params: params.Params{{Name: "x", Value: -math.MaxFloat64}}, State: trial.Succeeded, Metrics: map[string]float64{"m": math.MaxFloat64}},
		{Name: "h2", Params: params.Params{{Name: "x", Value: math.MaxFloat64}}, State: trial.Succeeded, Metrics: map[string]float64{"m": -math.MaxFloat64}}}
	cases := map[string]Input{
		"nothing":       {Experiment: "e"},
		"no trials":     {Experiment: "e", Table: ranking.Rank(nil, "", "")},
		"one trial":     {Experiment: "e", Table: ranking.Rank(one, "acc", "")},
		"no metric":     {Experiment: "e", Table: ranking.Rank([]ranking.Trial{{Name: "p", State: trial.Pending}}, "", "")},
		"NaN and +Inf":  {Experiment: "e", Table: ranking.Rank(nan, "loss", "")},
		"huge values":   {Experiment: "e", Table: ranking.Rank(huge, "m", "")},
		"no parameters": {Experiment: "e", Table: ranking.Rank([]ranking.Trial{{Name: "q", State: trial.Succeeded, Metrics: map[string]float64{"a": 1}}}, "a", "")},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			page := render(t, in)
			plots(t, page)
			if !strings.HasSuffix(page, "</html>\n") {
				t.Errorf("page does not end with </html>")
			}
		})
	}
}

// bigInput is n trials of three parameters with 10-epoch curves of four
// metrics each, and usage for all.
func bigInput(n int) Input {
	var trials []ranking.Trial
	var statuses []trial.Status
	for i := range n {
		name := fmt.Sprintf("big-%08x", i)
		p := params.Params{{Name: "lr", Value: math.Pow(10, -1-float64(i%4))}, {Name: "act", Value: seedActivations[i%8]}, {Name: "hidden", Value: int64(32 << (i % 3))}}
		acc := 0.5 + 0.4*math.Sin(float64(i)*0.37)*math.Sin(float64(i)*0.11)
		tr := ranking.Trial{Name: name, Params: p, State: trial.Succeeded, Metrics: map[string]float64{"test_accuracy": acc}, Curves: map[string][]ranking.CurvePoint{}}
		for e := 1; e <= 10; e++ {
			for _, m := range []string{"accuracy", "val_accuracy", "loss", "val_loss"} {
				tr.Curves[m] = append(tr.Curves[m], ranking.CurvePoint{Step: e, Value: ranking.Value(acc * float64(e) / 10)})
			}
		}
		trials = append(trials, tr)
		statuses = append(statuses, trial.Status{Name: name, Params: p, State: trial.Succeeded})
	}
	return Input{Experiment: "big", Namespace: "ml", Table: ranking.Rank(trials, "test_accuracy", ""), Statuses: statuses}
}

// TestThousandTrials caps the curves drawn and keeps the page small.
func TestThousandTrials(t *testing.T) {
	page := render(t, bigInput(1000))
	for _, c := range byClass(plots(t, page), "curves") {
		if c.counts["polyline"] != DefaultMaxCurves || c.counts["polygon"] != 1 {
			t.Errorf("curve panel %v: want %d lines and one band", c.counts, DefaultMaxCurves)
		}
	}
	if len(page) > 2<<20 {
		t.Errorf("page of 1000 trials is %d bytes, want under 2 MiB", len(page))
	}
	t.Logf("1000 trials: %d bytes", len(page))
}

func BenchmarkWrite1000(b *testing.B) {
	in := bigInput(1000)
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, in); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1024, "KiB/page")
}
