package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlexp/kubectl-mlexp/test/headless"
)

// TestInBrowser opens the seed's report and a 1000-trial report from
// file:// URLs in headless Chromium (skipped without one, or with -short):
// no console error, sorting and highlighting work (from the parallel
// coordinates and from the optimization history). REPORT_SHOTS=DIR keeps
// a screenshot of each for a person to look at.
func TestInBrowser(t *testing.T) {
	bin := headless.Find()
	if bin == "" || testing.Short() {
		t.Skip("needs chromium (apt-get install chromium) and no -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := headless.Launch(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	dir := t.TempDir()
	search := searchInput("min", searchTrials)
	for name, in := range map[string]Input{"seed": seedInput(), "big": bigInput(1000), "search": search} {
		path := filepath.Join(dir, name+".html")
		if err := os.WriteFile(path, []byte(render(t, in)), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := b.NewPage(ctx, 1280, 900)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := p.Navigate(ctx, "file://"+path); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: loaded in %v", name, time.Since(start).Round(time.Millisecond))
		var got struct {
			Before, After, Desc string
			Highlighted         int
			History             int // highlighted on hovering a dot of the history (the best's); -1 without one
		}
		err = p.Eval(ctx, `(() => {
			const rows = () => document.querySelectorAll("#ranking tbody tr");
			const r = {Before: rows()[0].cells[1].textContent};
			const th = document.querySelectorAll("#ranking th")[0]; // rank
			th.click(); th.click(); // descending: the best last
			r.After = rows()[0].cells[1].textContent;
			r.Desc = rows()[rows().length - 1].cells[1].textContent;
			document.querySelector("svg.parcoords polyline.best").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
			r.Highlighted = document.querySelectorAll(".hl").length;
			document.querySelector("#ranking").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
			const dot = document.querySelector("svg.history circle.best") || document.querySelector("svg.history circle.trial");
			r.History = -1;
			if (dot) {
				dot.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
				r.History = document.querySelectorAll(".hl").length;
			}
			return r;
		})()`, &got)
		if err != nil {
			t.Fatal(err)
		}
		if got.Desc != got.Before || got.After == got.Before {
			t.Errorf("%s: sorting by rank descending put %q first and %q last; the best is %q", name, got.After, got.Desc, got.Before)
		}
		if got.Highlighted < 3 {
			t.Errorf("%s: hovering the best line highlighted %d elements, want its row and its marks", name, got.Highlighted)
		}
		if got.History == -1 || got.History < 3 {
			t.Errorf("%s: hovering a dot of the history highlighted %d elements (-1: no history), want its row and its marks", name, got.History)
		}
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("%s: console errors:\n%s", name, strings.Join(errs, "\n"))
		}
		if out := os.Getenv("REPORT_SHOTS"); out != "" {
			png, err := p.Screenshot(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
