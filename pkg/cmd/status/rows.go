package status

import (
	"io"
	"strings"
	"unicode/utf8"
)

// rowWriter prints table rows one batch at a time with the column widths
// of everything printed before, so rows printed by --watch line up with
// the table above them, as `kubectl get -w` does.
type rowWriter struct {
	w      io.Writer
	widths []int
}

// write prints rows, widening columns only where a cell needs it.
func (rw *rowWriter) write(rows [][]string) {
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
	io.WriteString(rw.w, b.String())
}
