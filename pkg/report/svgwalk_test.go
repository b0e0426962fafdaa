package report

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// elem is one element of an SVG in document (paint) order.
type elem struct {
	name  string
	attr  map[string]string
	text  string // the character data directly inside it
	order int
}

func (e elem) num(name string) float64 {
	v, _ := strconv.ParseFloat(e.attr[name], 64)
	return v
}

func (e elem) hasClass(c string) bool {
	for _, f := range strings.Fields(e.attr["class"]) {
		if f == c {
			return true
		}
	}
	return false
}

// svgDoc is one parsed SVG of a page.
type svgDoc struct {
	class string
	label string
	els   []elem
}

// docs parses every SVG of page into its elements in order.
func docs(t testing.TB, page string) []svgDoc {
	t.Helper()
	var out []svgDoc
	for _, s := range svgRE.FindAllString(page, -1) {
		d := xml.NewDecoder(strings.NewReader(s))
		var doc svgDoc
		var stack []int
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("SVG does not parse: %v", err)
			}
			switch tk := tok.(type) {
			case xml.StartElement:
				e := elem{name: tk.Name.Local, attr: map[string]string{}, order: len(doc.els)}
				for _, a := range tk.Attr {
					e.attr[a.Name.Local] = a.Value
				}
				if e.name == "svg" {
					doc.class, doc.label = e.attr["class"], e.attr["aria-label"]
				}
				stack = append(stack, len(doc.els))
				doc.els = append(doc.els, e)
			case xml.EndElement:
				stack = stack[:len(stack)-1]
			case xml.CharData:
				if len(stack) > 0 {
					doc.els[stack[len(stack)-1]].text += string(tk)
				}
			}
		}
		out = append(out, doc)
	}
	return out
}

// find returns the elements named name whose class includes class ("" is
// any name, any class).
func (d svgDoc) find(name, class string) []elem {
	var out []elem
	for _, e := range d.els {
		if (name == "" || e.name == name) && (class == "" || e.hasClass(class)) {
			out = append(out, e)
		}
	}
	return out
}

// texts returns the text of every <text> of class class, in order.
func (d svgDoc) texts(class string) []string {
	var out []string
	for _, e := range d.find("text", class) {
		out = append(out, e.text)
	}
	return out
}

// docByLabel returns the SVG whose accessible name is label.
func docByLabel(t testing.TB, ds []svgDoc, label string) svgDoc {
	t.Helper()
	for _, d := range ds {
		if d.label == label {
			return d
		}
	}
	var have []string
	for _, d := range ds {
		have = append(have, d.label)
	}
	t.Fatalf("no SVG labelled %q; have %q", label, have)
	return svgDoc{}
}

// oneParam is an experiment of one varied parameter and the metric acc,
// one trial per value, accs[i] the value of vals[i].
func oneParam(name string, vals []any, accs []float64) Input {
	var trials []ranking.Trial
	var st []trial.Status
	for i, v := range vals {
		n := "t-" + strconv.Itoa(i)
		p := params.Params{{Name: name, Value: v}}
		trials = append(trials, ranking.Trial{Name: n, Params: p, State: trial.Succeeded, Metrics: map[string]float64{"acc": accs[i]}})
		st = append(st, trial.Status{Name: n, Index: i, Params: p, State: trial.Succeeded})
	}
	return Input{Experiment: "e", Namespace: "ml", Table: ranking.Rank(trials, "acc", ranking.Max), Statuses: st}
}
