package common

import (
	"io"
	"strings"
	"unicode/utf8"
)

// RowWriter prints table rows one batch at a time with the column widths
// of everything printed before, so rows printed by --watch line up with
// the table above them, as `kubectl get -w` does (a tab writer forgets its
// widths at each Flush). Columns are 3 spaces apart, as
// printers.GetNewTabWriter puts them.
type RowWriter struct {
	W      io.Writer
	widths []int
}

// Write prints rows, widening columns only where a cell needs it.
func (rw *RowWriter) Write(rows [][]string) error {
	for _, r := range rows {
		for i, c := range r {
			n := utf8.RuneCountInString(c)
			if i >= len(rw.widths) {
				rw.widths = append(rw.widths, n)
			} else if n > rw.widths[i] {
				rw.widths[i] = n
			}
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", rw.widths[i]-utf8.RuneCountInString(c)+3))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(rw.W, b.String())
	return err
}
