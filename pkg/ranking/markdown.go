package ranking

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// WriteMarkdown writes the ranking as a GitHub-flavoured Markdown table
// for a pull request or an issue: a heading line naming the experiment
// and the ranking, one row per trial best first (the best marked ★ and in
// bold), numbers aligned right, and the best line under it.
func (t *Table) WriteMarkdown(w io.Writer, experiment string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**", mdEscape(experiment))
	if t.Metric != "" {
		fmt.Fprintf(&b, ": %d trials ranked by `%s` (%s is better)", len(t.Rows), t.Metric, t.Goal)
	}
	b.WriteString("\n\n")
	head := []string{"rank", "trial"}
	align := []string{"---:", "---"}
	for _, n := range t.ParamNames {
		head = append(head, mdEscape(n))
		align = append(align, t.paramAlign(n))
	}
	head = append(head, "state")
	align = append(align, "---")
	for _, n := range t.MetricNames {
		cell := n
		if n == t.Metric {
			cell = n + " " + map[Goal]string{Max: "↑", Min: "↓"}[t.Goal]
		}
		head = append(head, mdEscape(cell))
		align = append(align, "---:")
		if n == t.Metric && t.Target != nil {
			head = append(head, mdEscape("goal "+t.TargetText()))
			align = append(align, "---")
		}
	}
	b.WriteString("| " + strings.Join(head, " | ") + " |\n")
	b.WriteString("|" + strings.Join(align, "|") + "|\n")
	for i := range t.Rows {
		r := &t.Rows[i]
		rank := "–"
		if r.Rank > 0 {
			rank = fmt.Sprint(r.Rank)
		}
		bold := func(s string) string { return s }
		if r.Best {
			rank += " ★"
			bold = func(s string) string {
				if s == "" {
					return s
				}
				return "**" + s + "**"
			}
		}
		cells := []string{rank, bold("`" + strings.ReplaceAll(r.Name, "`", "'") + "`")}
		for _, n := range t.ParamNames {
			v, ok := r.Params.Get(n)
			if !ok {
				cells = append(cells, "")
				continue
			}
			cells = append(cells, mdEscape(params.Format(v)))
		}
		cells = append(cells, mdEscape(stateCell(&r.Trial)))
		for _, n := range t.MetricNames {
			v, ok := r.Metrics[n]
			s := ""
			if ok {
				s = FormatValue(v)
			}
			if ok && n == t.Metric {
				s = bold(s)
			}
			cells = append(cells, s)
			if n == t.Metric && t.Target != nil {
				cells = append(cells, map[bool]string{true: "reached"}[r.Reached])
			}
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	if line := t.BestLine(); line != "" {
		b.WriteString("\n" + mdEscape(line) + "\n")
	}
	if note := t.EarlyStoppedNote(); note != "" {
		b.WriteString("\n" + mdEscape(note) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// paramAlign right-aligns a parameter column whose values are all numbers.
func (t *Table) paramAlign(name string) string {
	for i := range t.Rows {
		v, ok := t.Rows[i].Params.Get(name)
		if !ok {
			continue
		}
		switch x := v.(type) {
		case int64, int:
		case float64:
			if math.IsNaN(x) {
				return "---"
			}
		default:
			return "---"
		}
	}
	return "---:"
}

// mdEscape keeps a cell one cell: pipes and line breaks are escaped, and
// characters Markdown would format are backslashed.
func mdEscape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "\r", " ", "\n", " ", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]")
	return r.Replace(s)
}
