package status

import (
	"fmt"
	"io"
	"strings"
	"time"

	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// TablePrinter writes trial statuses as kubectl-style table rows.
type TablePrinter struct {
	// Wide adds the pod, the exit code and the full message.
	Wide bool
	// NoHeaders leaves out the header row.
	NoHeaders bool
	// Attempts adds the ATTEMPTS column and, wide, PREVIOUS (why the
	// previous attempt ended); Print sets it when a trial was retried.
	Attempts bool
	// Now is the time ages and durations are measured against.
	Now time.Time
	// Queue adds the QUEUE column: each trial's Kueue LocalQueue, and a
	// queued trial's place in it.
	Queue bool
	// ShowLabels adds a last LABELS column with the labels of each trial's
	// Job, as kubectl get --show-labels does.
	ShowLabels bool
}

// Header returns the header cells for the given parameter names.
func (p TablePrinter) Header(paramNames []string) []string {
	h := append([]string{"TRIAL"}, params.Headers(paramNames)...)
	h = append(h, "STATE")
	if p.Queue {
		h = append(h, "QUEUE")
	}
	h = append(h, "REASON", "RESTARTS")
	if p.Attempts {
		h = append(h, "ATTEMPTS")
	}
	h = append(h, "NODE", "AGE", "DURATION")
	if p.Wide {
		h = append(h, "POD", "EXIT")
		if p.Attempts {
			h = append(h, "PREVIOUS")
		}
	}
	if p.ShowLabels {
		h = append(h, "LABELS")
	}
	return h
}

// Row returns the cells of one trial.
func (p TablePrinter) Row(s *trial.Status, paramNames []string) []string {
	row := append([]string{s.Name}, s.Params.Cells(paramNames)...)
	dur := "-"
	if d := s.Duration(p.Now); d > 0 {
		dur = duration.HumanDuration(d)
	}
	row = append(row, string(s.State))
	if p.Queue {
		row = append(row, orNone(s.Queueing.PositionText()))
	}
	row = append(row, s.ReasonText(p.Wide), fmt.Sprint(s.Restarts))
	if p.Attempts {
		row = append(row, fmt.Sprint(max(s.Attempt, 1)))
	}
	row = append(row, orNone(s.Node), duration.HumanDuration(p.Now.Sub(s.Created)), dur)
	if p.Wide {
		exit := "-"
		if s.ExitCode != nil {
			exit = fmt.Sprint(*s.ExitCode)
		}
		row = append(row, orNone(s.Pod), exit)
		if p.Attempts {
			row = append(row, previous(s))
		}
	}
	if p.ShowLabels {
		row = append(row, k8slabels.FormatLabels(s.Labels))
	}
	return row
}

// Print writes the whole table.
func (p TablePrinter) Print(w io.Writer, statuses []trial.Status) error {
	tw := printers.GetNewTabWriter(w)
	p.Attempts = p.Attempts || AnyRetried(statuses)
	names := trial.ParamColumns(statuses)
	p.Queue = p.Queue || AnyQueued(statuses)
	if !p.NoHeaders {
		fmt.Fprintln(tw, strings.Join(p.Header(names), "\t"))
	}
	for i := range statuses {
		fmt.Fprintln(tw, strings.Join(p.Row(&statuses[i], names), "\t"))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// AnyQueued reports whether any trial was submitted to a Kueue queue, which
// adds the QUEUE column.
func AnyQueued(statuses []trial.Status) bool {
	for i := range statuses {
		if statuses[i].Queueing != nil {
			return true
		}
	}
	return false
}
