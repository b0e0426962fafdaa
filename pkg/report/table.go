package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// summary counts the trials by state, as `list` and `status` do.
func (m *model) summary() string {
	if len(m.in.Statuses) > 0 {
		return trial.Summarize(m.in.Statuses).String()
	}
	c := trial.Counts{}
	for i := range m.t.Rows {
		c[m.t.Rows[i].State]++
	}
	return c.String()
}

// bestLine is the sentence naming the best trial, or why there is none.
func (m *model) bestLine() string {
	if line := m.t.BestLine(); line != "" {
		return line
	}
	if m.t.Metric == "" {
		return "no trial reported a metric yet"
	}
	return "no trial reported " + m.t.Metric + " yet"
}

// tableHTML renders the ranking as an HTML table whose headers sort it:
// every cell carries the value it sorts by.
func (m *model) tableHTML() template.HTML {
	var b strings.Builder
	b.WriteString(`<table id="ranking" class="ranking"><thead><tr>`)
	head := func(label, kind, title string) {
		b.WriteString(`<th data-kind="` + kind + `"`)
		if title != "" {
			b.WriteString(` title="` + esc(title) + `"`)
		}
		b.WriteString(`>` + esc(label) + `</th>`)
	}
	head("rank", "num", "1 is the best; - has no value")
	head("trial", "text", "")
	for _, n := range m.t.ParamNames {
		head(n, "auto", "parameter")
	}
	head("state", "text", "")
	for i, n := range m.t.MetricNames {
		title := "metric"
		if i == 0 && n == m.t.Metric {
			title = "ranking metric (" + string(m.t.Goal) + " is better)"
		}
		head(n, "num", title)
	}
	b.WriteString(`</tr></thead><tbody>`)
	barLo := math.Min(0, m.lo)
	for i := range m.rows {
		r := m.rows[i].r
		cls := ""
		if r.Best {
			cls = ` class="best"`
		}
		fmt.Fprintf(&b, `<tr data-t="%d" data-tip="%s"%s>`, i, esc(m.tooltip(&m.rows[i])), cls)
		rank, rankKey := "-", "1e308"
		if r.Rank > 0 {
			rank, rankKey = strconv.Itoa(r.Rank), strconv.Itoa(r.Rank)
		}
		if r.Best {
			rank += " ★"
		}
		cell(&b, rank, rankKey, "")
		cell(&b, r.Name, r.Name, "mono")
		for _, n := range m.t.ParamNames {
			v, ok := r.Params.Get(n)
			if !ok {
				cell(&b, "", "", "none")
				continue
			}
			s := params.Format(v)
			cell(&b, s, s, "")
		}
		cell(&b, stateText(&r.Trial), string(r.State), "state "+strings.ToLower(string(r.State)))
		for j, n := range m.t.MetricNames {
			v, ok := r.Metrics[n]
			if !ok {
				cell(&b, "", "", "none")
				continue
			}
			key := strconv.FormatFloat(v, 'g', -1, 64)
			if math.IsNaN(v) {
				key = ""
			}
			if j == 0 && n == m.t.Metric && !math.IsNaN(v) && !math.IsInf(v, 0) && m.hi > barLo {
				w := 100 * (v/2 - barLo/2) / (m.hi/2 - barLo/2)
				fmt.Fprintf(&b, `<td data-v="%s" class="num"><span class="bar" style="width:%s%%"></span><span class="v">%s</span></td>`,
					esc(key), num(math.Max(0, math.Min(100, w))), esc(ranking.FormatValue(v)))
				continue
			}
			cell(&b, ranking.FormatValue(v), key, "num")
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String())
}

// cell writes one table cell showing text, sorted by key; the key is left
// out when it is the text itself (the script then sorts by the text).
func cell(b *strings.Builder, text, key, class string) {
	b.WriteString(`<td`)
	if key != text {
		b.WriteString(` data-v="` + esc(key) + `"`)
	}
	if class != "" {
		b.WriteString(` class="` + esc(class) + `"`)
	}
	b.WriteString(`>` + esc(text) + `</td>`)
}

// stateText is the state as results' table shows it: a finished trial
// whose pod is gone and whose metrics were never recorded says so.
func stateText(t *ranking.Trial) string {
	if t.PodGone && len(t.Metrics) == 0 {
		return string(t.State) + " (pod gone)"
	}
	return string(t.State)
}
