package top

import (
	"fmt"
	"io"
	"strings"

	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// pending fills the usage cells of a trial metrics-server has no sample for.
const pending = "<pending>"

// TablePrinter writes a frame of top as kubectl-style tables.
type TablePrinter struct {
	// NoHeaders leaves out the header rows.
	NoHeaders bool
	// Containers prints one row per container instead of one per trial.
	Containers bool
	// ShowLabels adds a last LABELS column with the labels of each
	// trial's Job, as kubectl get --show-labels does.
	ShowLabels bool
}

// Print writes the trials table with its TOTAL row, the nodes table and
// the summary line; it writes nothing when no trial runs.
func (p TablePrinter) Print(w io.Writer, r Result) error {
	if len(r.Trials) == 0 {
		return nil
	}
	tw := printers.GetNewTabWriter(w)
	names := params.Columns(r.Trials, func(row *cpumem.Row) params.Params { return row.Params })
	if !p.NoHeaders {
		h := []string{"TRIAL"}
		if p.Containers {
			h = append(h, "CONTAINER")
		}
		h = append(h, params.Headers(names)...)
		h = append(h, "CPU(cores)", "CPU%LIMIT", "MEMORY(bytes)", "MEMORY%LIMIT", "REQUESTS", "LIMITS", "NODE")
		if p.ShowLabels {
			h = append(h, "LABELS")
		}
		fmt.Fprintln(tw, strings.Join(h, "\t"))
	}
	for _, row := range r.Trials {
		lead := append([]string{row.Trial}, row.Params.Cells(names)...)
		var tail []string
		if p.ShowLabels {
			tail = []string{k8slabels.FormatLabels(row.Labels)}
		}
		if !p.Containers {
			cells := append(lead, usageCells(row.Usage, row.Requests, row.Limits,
				row.CPULimitPercent, row.MemoryLimitPercent, row.Node)...)
			fmt.Fprintln(tw, strings.Join(append(cells, tail...), "\t"))
			continue
		}
		for _, c := range row.Containers {
			cells := append([]string{lead[0], c.Name}, lead[1:]...)
			cells = append(cells, usageCells(c.Usage, c.Requests, c.Limits, c.CPULimitPercent, c.MemoryLimitPercent, row.Node)...)
			fmt.Fprintln(tw, strings.Join(append(cells, tail...), "\t"))
		}
	}
	t := r.Total
	total := []string{"TOTAL"}
	if p.Containers {
		total = append(total, "")
	}
	for range names {
		total = append(total, "")
	}
	u := &t.Usage
	if t.NoSample == t.Trials {
		u = nil
	}
	nodes := len(cpumem.NodeNames(r.Trials))
	total = append(total, usageCells(u, t.Requests, t.Limits, t.CPULimitPercent, t.MemoryLimitPercent, fmt.Sprint(nodes, " ", plural(nodes, "node")))...)
	fmt.Fprintln(tw, strings.Join(total, "\t"))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, r.counts.String())
	if len(r.Nodes) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	return p.printNodes(w, r.Nodes)
}

func (p TablePrinter) printNodes(w io.Writer, nodes []cpumem.Node) error {
	tw := printers.GetNewTabWriter(w)
	if !p.NoHeaders {
		fmt.Fprintln(tw, "NODE\tTRIALS\tCPU(cores)\tCPU%\tMEMORY(bytes)\tMEMORY%")
	}
	for _, n := range nodes {
		cpu, mem := "<unknown>", "<unknown>"
		if n.Usage != nil {
			cpu, mem = orDash(n.Usage.CPU, cpumem.FormatCPU), orDash(n.Usage.Memory, cpumem.FormatMemory)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", n.Name, n.Trials, cpu, pct(n.CPUPercent), mem, pct(n.MemoryPercent))
	}
	return tw.Flush()
}

// usageCells renders CPU, CPU%LIMIT, MEMORY, MEMORY%LIMIT, REQUESTS, LIMITS
// and NODE; a nil usage shows <pending>.
func usageCells(u *cpumem.Resources, req, lim cpumem.Resources, cpuPct, memPct *float64, node string) []string {
	cpu, cpuP, mem, memP := pending, pending, pending, pending
	if u != nil {
		cpu, mem = orDash(u.CPU, cpumem.FormatCPU), orDash(u.Memory, cpumem.FormatMemory)
		cpuP, memP = pct(cpuPct), pct(memPct)
	}
	return []string{cpu, cpuP, mem, memP, pair(req), pair(lim), node}
}

// pair renders "cpu/memory", "-" for an unset part, "-" when both are.
func pair(r cpumem.Resources) string {
	if r.CPU == nil && r.Memory == nil {
		return "-"
	}
	return orDash(r.CPU, cpumem.FormatCPU) + "/" + orDash(r.Memory, cpumem.FormatMemory)
}

func orDash(v *int64, format func(int64) string) string {
	if v == nil {
		return "-"
	}
	return format(*v)
}

func pct(p *float64) string {
	if p == nil {
		return "-"
	}
	return cpumem.FormatPercent(*p)
}
