package report

import (
	"strings"
	"testing"
)

// TestLabelsOverLines: the tick labels of the parallel coordinates are
// painted after every line, on a plate that hides the lines under them,
// so a label stays readable where many lines meet its axis.
func TestLabelsOverLines(t *testing.T) {
	pc := docByLabel(t, docs(t, render(t, seedInput())), "parallel coordinates of the parameters against test_accuracy")
	lines := pc.find("polyline", "trial")
	if len(lines) == 0 {
		t.Fatal("no lines")
	}
	last := lines[len(lines)-1].order
	plate := false
	for _, e := range pc.find("filter", "") {
		plate = plate || e.attr["id"] == plateID
	}
	if !plate {
		t.Errorf("no filter %q in the parallel coordinates", plateID)
	}
	labels := pc.find("text", "tick-label")
	cats := 0
	for _, e := range labels {
		if e.order < last {
			t.Errorf("tick label %q is painted before the last line", e.text)
		}
		if e.attr["filter"] != "url(#"+plateID+")" {
			t.Errorf("tick label %q has no plate", e.text)
		}
		if e.text == "softmax" || e.text == "model02" {
			cats++
		}
	}
	if cats != 2 {
		t.Errorf("found %d of the category labels softmax and model02", cats)
	}
}

// TestEveryCategoryHasABox: a category whose trials all scored about the
// same, or that has only one or two trials, still gets a visible box, and
// the medians are drawn over the dots.
func TestEveryCategoryHasABox(t *testing.T) {
	vals := []any{"softmax", "softmax", "softmax", "relu", "relu", "tanh", "elu", "elu", "elu", "elu"}
	accs := []float64{0.975, 0.9751, 0.9752, 0.9, 0.93, 0.85, 0.8, 0.83, 0.88, 0.91}
	panel := docByLabel(t, docs(t, render(t, oneParam("activation", vals, accs))), "acc against activation")
	boxes := panel.find("rect", "box")
	if len(boxes) != 4 {
		t.Errorf("%d boxes, want one for each of the 4 activations", len(boxes))
	}
	for _, b := range boxes {
		if b.num("height") < 3 || b.num("width") < 10 {
			t.Errorf("box %v is too small to see", b.attr)
		}
	}
	dots := panel.find("circle", "trial")
	if len(dots) != len(vals) {
		t.Fatalf("%d dots, want %d", len(dots), len(vals))
	}
	medians := panel.find("line", "median")
	if len(medians) != 4 {
		t.Errorf("%d medians, want 4", len(medians))
	}
	for _, m := range medians {
		if m.order < dots[len(dots)-1].order {
			t.Errorf("median at y=%s is painted under the dots", m.attr["y1"])
		}
	}
}

// TestLegendTie: when every trial has the same value, the colour legend
// says so once instead of calling the one value both best and worst.
func TestLegendTie(t *testing.T) {
	in := oneParam("lr", []any{0.1, 0.01, 0.001}, []float64{0.5, 0.5, 0.5})
	pc := docByLabel(t, docs(t, render(t, in)), "parallel coordinates of the parameters against acc")
	legend := strings.Join(pc.texts("legend"), "|")
	if !strings.Contains(legend, "0.5 (all equal)") || strings.Contains(legend, "(best)") || strings.Contains(legend, "(worst)") {
		t.Errorf("legend %q, want 0.5 (all equal) and neither best nor worst", legend)
	}
	// different values still get both ends
	in = oneParam("lr", []any{0.1, 0.01, 0.001}, []float64{0.5, 0.6, 0.7})
	pc = docByLabel(t, docs(t, render(t, in)), "parallel coordinates of the parameters against acc")
	legend = strings.Join(pc.texts("legend"), "|")
	if !strings.Contains(legend, "0.7 (best)") || !strings.Contains(legend, "0.5 (worst)") {
		t.Errorf("legend %q, want 0.7 (best) and 0.5 (worst)", legend)
	}
}
