package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// maxUsageRows caps the trials drawn in the usage panel, nearest their
// limits first.
const maxUsageRows = 40

// usageRow is one trial's peak usage against its limits.
type usageRow struct {
	r      *row
	peak   cpumem.Peak
	limits cpumem.Resources
	// oom names how the trial ran out of memory ("OOMKilled", "likely
	// OOMKilled", "a process OOM-killed"); "" when it did not.
	oom      string
	memP     float64 // percent of the memory limit; NaN when unknown
	cpuP     float64
	maxShare float64
}

// Resources is the usage section: a plot, or the sentence saying why none.
type Resources struct {
	Note string
	SVG  template.HTML
}

// resources draws each sampled (or OOMKilled) trial's peak memory and CPU
// as bars against its limit, the trials nearest a limit first.
func (m *model) resources() Resources {
	states := map[string]*trial.Status{}
	for i := range m.in.Statuses {
		states[m.in.Statuses[i].Name] = &m.in.Statuses[i]
	}
	var rows []usageRow
	sampled := 0
	for i := range m.rows {
		r := &m.rows[i]
		u := usageRow{r: r, peak: m.in.Peaks[r.r.Name], limits: m.in.Limits[r.r.Name]}
		st := states[r.r.Name]
		switch {
		case r.r.State == trial.OOMKilled:
			u.oom = "OOMKilled"
		case st != nil && st.OutOfMemory() && st.State == trial.Failed:
			u.oom = "likely OOMKilled"
		case st != nil && st.OutOfMemory():
			u.oom = "a process OOM-killed"
		}
		if u.limits.Memory == nil {
			if st != nil && st.MemoryLimit != "" {
				if q, err := resource.ParseQuantity(st.MemoryLimit); err == nil {
					v := q.Value()
					u.limits.Memory = &v
				}
			}
		}
		if !u.peak.IsZero() {
			sampled++
		}
		if u.peak.IsZero() && u.oom == "" {
			continue
		}
		u.memP, u.cpuP = share(u.peak.Memory, u.limits.Memory), share(u.peak.CPU, u.limits.CPU)
		if u.oom != "" && u.limits.Memory != nil && !(u.memP >= 100) {
			u.memP = 100 // it reached its limit, whatever the last sample said
		}
		u.maxShare = math.Max(nanTo(u.memP, -1), nanTo(u.cpuP, -1))
		rows = append(rows, u)
	}
	var res Resources
	if sampled == 0 {
		res.Note = "no usage samples recorded"
		if m.in.UsageHint != "" {
			res.Note += " (run `" + m.in.UsageHint + "` while it runs)"
		}
		if len(rows) > 0 {
			res.Note += "; trials that ran out of memory are shown at the memory limit they hit"
		}
	}
	if len(rows) == 0 {
		return res
	}
	sort.SliceStable(rows, func(a, b int) bool {
		if (rows[a].oom == "") != (rows[b].oom == "") {
			return rows[a].oom != ""
		}
		return rows[a].maxShare > rows[b].maxShare
	})
	more := 0
	if len(rows) > maxUsageRows {
		more = len(rows) - maxUsageRows
		rows = rows[:maxUsageRows]
	}
	res.SVG = template.HTML(m.usageSVG(rows, more))
	return res
}

func (m *model) usageSVG(rows []usageRow, more int) string {
	const rowH, top, width = 24.0, 46.0, 1100.0
	const nameW, barX1, barX2, barW = 190.0, 200.0, 660.0, 260.0
	height := top + rowH*float64(len(rows)) + 30
	if more > 0 {
		height += 18
	}
	s := newSVG(width, height, "plot usage", "peak memory and CPU of each trial against its limits")
	s.text(barX1, 18, "memory: peak / limit", "start", 0, "class", "axis-title")
	s.text(barX2, 18, "CPU: peak / limit", "start", 0, "class", "axis-title")
	// 0%, 50% and 100% marks; bars run to 120% of the limit at most
	for _, x0 := range []float64{barX1, barX2} {
		for _, p := range []float64{0, 50, 100} {
			x := x0 + barW*p/120
			s.line(x, top-8, x, top+rowH*float64(len(rows)), "class", map[bool]string{true: "limit", false: "grid"}[p == 100])
			s.text(x, top-12, strconv.Itoa(int(p))+"%", "middle", 0, "class", "tick-label")
		}
	}
	for k, u := range rows {
		y := top + rowH*float64(k)
		name := u.r.r.Name
		s.text(nameW, y+15, name, "end", 26, "class", "trial-name", "data-t", strconv.Itoa(u.r.i))
		m.usageBar(s, barX1, y, barW, u.peak.Memory, u.limits.Memory, u.memP, colMemory, cpumem.FormatMemory, u.oom)
		m.usageBar(s, barX2, y, barW, u.peak.CPU, u.limits.CPU, u.cpuP, colCPU, cpumem.FormatCPU, "")
	}
	if more > 0 {
		s.text(barX1, height-12, fmt.Sprintf("and %d more %s further from their limits", more, plural(more, "trial")), "start", 0, "class", "note")
	}
	return s.close()
}

// usageBar draws one bar of a peak as a share of its limit, labelled
// "peak / limit (share)"; the memory bar of a trial that ran out of memory
// (oom names how) is red.
func (m *model) usageBar(s *svg, x, y, w float64, peak, limit *int64, pct float64, color string, format func(int64) string, oom string) {
	label := "no sample"
	if peak != nil {
		label = format(*peak)
	}
	if limit != nil {
		label += " / " + format(*limit)
	} else {
		label += " / no limit"
	}
	if peak != nil && !math.IsNaN(pct) {
		label += " (" + cpumem.FormatPercent(pct) + ")"
	}
	if oom != "" {
		color = colFail
		switch {
		case limit == nil:
			label = oom
		case peak != nil:
			label = format(*peak) + " seen, " + oom + " at " + format(*limit)
		default:
			label = oom + " at its limit of " + format(*limit)
		}
	}
	if !math.IsNaN(pct) {
		bw := w * math.Min(pct, 120) / 120
		s.rect(x, y+5, bw, 14, "fill", color, "rx", "2")
		s.text(x+bw+6, y+16, label, "start", 0, "class", "bar-label")
		return
	}
	s.text(x+4, y+16, label, "start", 0, "class", "bar-label")
}

// share returns 100*used/limit, NaN when either is unknown.
func share(used, limit *int64) float64 {
	if used == nil || limit == nil || *limit <= 0 {
		return math.NaN()
	}
	return 100 * float64(*used) / float64(*limit)
}

func nanTo(v, d float64) float64 {
	if math.IsNaN(v) {
		return d
	}
	return v
}
