package events

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Printer writes groups or events as kubectl-style tables. One Printer
// keeps its column widths across calls, so rows printed while following
// line up with the first table.
type Printer struct {
	// NoHeaders leaves out the header row.
	NoHeaders bool
	// Now is the time ages are measured against.
	Now func() time.Time

	rw     *common.RowWriter
	headed bool
}

var (
	groupHeader = []string{"TYPE", "REASON", "COUNT", "OBJECTS", "FIRST SEEN", "LAST SEEN", "MESSAGE"}
	rawHeader   = []string{"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}
)

// PrintGroups writes one row per group.
func (p *Printer) PrintGroups(w io.Writer, gs []eventagg.Group) error {
	rows := make([][]string, len(gs))
	for i, g := range gs {
		rows[i] = p.groupRow(g)
	}
	return p.write(w, groupHeader, rows)
}

// PrintRaw writes one row per event.
func (p *Printer) PrintRaw(w io.Writer, evs []TrialEvent) error {
	rows := make([][]string, len(evs))
	for i, e := range evs {
		rows[i] = p.rawRow(e.Event)
	}
	return p.write(w, rawHeader, rows)
}

func (p *Printer) write(w io.Writer, header []string, rows [][]string) error {
	if p.rw == nil {
		p.rw = &common.RowWriter{W: w}
	}
	if !p.headed && !p.NoHeaders {
		rows = append([][]string{header}, rows...)
	}
	p.headed = true
	return p.rw.Write(rows)
}

func (p *Printer) groupRow(g eventagg.Group) []string {
	return []string{g.Type, g.Reason, fmt.Sprintf("x%d", g.Count), objects(g), p.age(g.First), p.age(g.Last), shortMessage(g.Message)}
}

func (p *Printer) rawRow(e eventagg.Event) []string {
	last := p.age(e.Last)
	if e.Count > 1 {
		last = fmt.Sprintf("%s (x%d over %s)", last, e.Count, duration.HumanDuration(e.Last.Sub(e.First)))
	}
	return []string{last, e.Type, e.Reason, e.Object.String(), oneLine(e.Message)}
}

// objects renders the objects of a group: the object itself when there is
// one ("job/mnist-0123abcd"), else how many ("20 pods").
func objects(g eventagg.Group) string {
	kind := strings.ToLower(g.Kind)
	if len(g.Objects) == 1 {
		return kind + "/" + g.Objects[0]
	}
	return fmt.Sprintf("%d %ss", len(g.Objects), kind)
}

func (p *Printer) age(t time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	d := p.Now().Sub(t)
	if d < 0 {
		d = 0
	}
	return duration.HumanDuration(d)
}

// shortMessage puts a message on one line and drops the scheduler's
// "preemption: ..." tail, which repeats the head, marking the cut.
func shortMessage(msg string) string {
	msg = oneLine(msg)
	if short := trial.ShortMessage(msg); short != msg {
		return short + " ..."
	}
	return msg
}

func oneLine(msg string) string {
	return strings.Join(strings.Fields(msg), " ")
}

// sortTrialEvents orders events oldest first by when they were last seen.
func sortTrialEvents(evs []TrialEvent) {
	sort.SliceStable(evs, func(i, j int) bool { return eventagg.Before(evs[i].Event, evs[j].Event) })
}
