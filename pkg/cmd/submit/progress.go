package submit

import (
	"fmt"
	"io"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
)

// progress draws a one-line progress bar on a terminal's stderr.
type progress struct {
	w     io.Writer
	total int
	n     int
	on    bool
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, on: total > manyTrials && common.IsTerminal(w)}
}

func (p *progress) step() {
	p.n++
	if !p.on || (p.n%10 != 0 && p.n != p.total) {
		return
	}
	const width = 30
	done := width * p.n / p.total
	fmt.Fprintf(p.w, "\rapplying [%s%s] %d/%d", strings.Repeat("=", done), strings.Repeat(" ", width-done), p.n, p.total)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
