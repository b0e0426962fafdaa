package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Row is one line of the bench's table.
type Row struct {
	N       int    // trials
	What    string // what ran, e.g. "submit"
	Run     Run
	InProc  bool   // ran inside the bench: no CPU or RSS of its own
	Note    string // ratios, checks
	Failed  bool   // the command failed or a check did not hold
	Skipped string // why it did not run
}

// Table collects rows and prints them.
type Table struct {
	Rows []Row
}

// Add appends a row and returns it for notes.
func (t *Table) Add(r Row) *Row {
	t.Rows = append(t.Rows, r)
	return &t.Rows[len(t.Rows)-1]
}

// Find returns the row of n trials doing what, or nil.
func (t *Table) Find(n int, what string) *Row {
	for i := range t.Rows {
		if t.Rows[i].N == n && t.Rows[i].What == what {
			return &t.Rows[i]
		}
	}
	return nil
}

// Failures returns the rows that failed.
func (t *Table) Failures() []Row {
	var out []Row
	for _, r := range t.Rows {
		if r.Failed {
			out = append(out, r)
		}
	}
	return out
}

// Print writes the table as Markdown, so docs/performance.md can quote it.
func (t *Table) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| N\t| command\t| wall\t| CPU\t| peak RSS\t| API requests\t| open at once\t| notes\t|")
	fmt.Fprintln(tw, "|--:\t|---\t|--:\t|--:\t|--:\t|--:\t|--:\t|---\t|")
	for _, r := range t.Rows {
		cells := []string{fmt.Sprint(r.N), r.What}
		switch {
		case r.Skipped != "":
			cells = append(cells, "-", "-", "-", "-", "-", "skipped: "+r.Skipped)
		default:
			cpu, rss := "-", "-"
			if !r.InProc {
				cpu, rss = seconds(r.Run.CPU), fmt.Sprintf("%.0f MiB", mib(r.Run.MaxRSS))
			}
			reqs, open := "-", "-"
			if r.Run.Requests >= 0 {
				reqs, open = fmt.Sprint(r.Run.Requests), fmt.Sprint(r.Run.PeakOpen)
			}
			note := r.Note
			if r.Failed {
				note = strings.TrimSpace("FAILED " + note)
			}
			cells = append(cells, seconds(r.Run.Wall), cpu, rss, reqs, open, note)
		}
		fmt.Fprintln(tw, "| "+strings.Join(cells, "\t| ")+"\t|")
	}
	tw.Flush()
}

// PrintRequests writes the requests of every row by verb and resource.
func (t *Table) PrintRequests(w io.Writer) {
	for _, r := range t.Rows {
		if r.Run.Requests >= 0 && r.Skipped == "" {
			fmt.Fprintf(w, "- N=%d %s: %s\n", r.N, r.What, r.Run.Detail)
		}
	}
}

// seconds renders d as seconds with two decimals (three under 1 s).
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// ratio renders a/b as "1.23x".
func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a.Seconds()/b.Seconds())
}

// CheckRSS fails every row of a plugin command whose peak RSS is above
// bound (bytes); baselines and rows run inside the bench are not bounded.
func (t *Table) CheckRSS(bound int64) {
	for i := range t.Rows {
		r := &t.Rows[i]
		if r.InProc || r.Skipped != "" || len(r.Run.Args) == 0 || !strings.HasPrefix(filepath.Base(r.Run.Args[0]), "kubectl-mlexp") {
			continue
		}
		if r.Run.MaxRSS > bound {
			r.fail(fmt.Sprintf("peak RSS %.0f MiB is above -max-rss %.0f MiB", mib(r.Run.MaxRSS), mib(bound)))
		}
	}
}
