package report

import (
	"html"
	"math"
	"strconv"
	"strings"
)

// svg builds one SVG element as text. Every number goes through num, so
// no NaN or infinity reaches an attribute (the browser would log an error),
// and every string through esc.
type svg struct {
	b strings.Builder
}

// newSVG starts an SVG of the given size, scaled to the page's width; label
// is its accessible name.
func newSVG(width, height float64, class, label string) *svg {
	s := &svg{}
	s.b.WriteString(`<svg viewBox="0 0 `)
	s.b.WriteString(num(width) + " " + num(height))
	s.b.WriteString(`" class="` + esc(class) + `" role="img" aria-label="` + esc(label) + `">`)
	return s
}

// close ends the SVG and returns its text.
func (s *svg) close() string {
	s.b.WriteString("</svg>")
	return s.b.String()
}

// raw appends markup built by another svg method.
func (s *svg) raw(markup string) { s.b.WriteString(markup) }

// attrs renders name/value pairs; a pair with an empty value is left out.
func attrs(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		b.WriteString(" " + kv[i] + `="` + esc(kv[i+1]) + `"`)
	}
	return b.String()
}

func (s *svg) line(x1, y1, x2, y2 float64, kv ...string) {
	s.b.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `"` + attrs(kv...) + "/>")
}

func (s *svg) rect(x, y, w, h float64, kv ...string) {
	s.b.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(math.Max(0, w)) + `" height="` + num(math.Max(0, h)) + `"` + attrs(kv...) + "/>")
}

// circle draws a dot; title, if any, is its tooltip.
func (s *svg) circle(cx, cy, r float64, title string, kv ...string) {
	s.b.WriteString(`<circle cx="` + num(cx) + `" cy="` + num(cy) + `" r="` + num(r) + `"` + attrs(kv...))
	s.closeWithTitle("circle", title)
}

// polyline draws connected points; title, if any, is its tooltip.
func (s *svg) polyline(pts []point, title string, kv ...string) {
	s.b.WriteString(`<polyline points="` + points(pts) + `"` + attrs(kv...))
	s.closeWithTitle("polyline", title)
}

// polygon draws a closed shape.
func (s *svg) polygon(pts []point, kv ...string) {
	s.b.WriteString(`<polygon points="` + points(pts) + `"` + attrs(kv...) + "/>")
}

func (s *svg) closeWithTitle(elem, title string) {
	if title == "" {
		s.b.WriteString("/>")
		return
	}
	s.b.WriteString("><title>" + esc(title) + "</title></" + elem + ">")
}

// text writes a label; anchor is start, middle or end. A label longer than
// max runes is cut with an ellipsis and keeps the whole text as its tooltip.
func (s *svg) text(x, y float64, label, anchor string, max int, kv ...string) {
	shown, cut := ellipsis(label, max)
	s.b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if anchor != "" && anchor != "start" {
		s.b.WriteString(` text-anchor="` + anchor + `"`)
	}
	s.b.WriteString(attrs(kv...) + ">")
	if cut {
		s.b.WriteString("<title>" + esc(label) + "</title>")
	}
	s.b.WriteString(esc(shown) + "</text>")
}

// point is a position in SVG user units.
type point struct{ x, y float64 }

func points(pts []point) string {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p.x) + "," + num(p.y))
	}
	return b.String()
}

// num formats a coordinate with one decimal; NaN and infinities become 0,
// which callers avoid by clamping, so the browser never sees them.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	v = math.Max(-1e6, math.Min(1e6, v))
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// esc escapes text for HTML and XML: < > & ' ".
func esc(s string) string { return html.EscapeString(s) }

// ellipsis cuts s to at most max runes (0: no limit), ending with "…".
func ellipsis(s string, max int) (string, bool) {
	if max <= 0 {
		return s, false
	}
	r := []rune(s)
	if len(r) <= max {
		return s, false
	}
	return string(r[:max-1]) + "…", true
}
