package submit

import (
	"io"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/progress"
)

// meter wraps progress.Meter for apply: above progress.Threshold writes, a
// terminal's stderr gets applied/total, rate and ETA, and a pipe one
// summary line at the end.
type meter struct{ m *progress.Meter }

func newProgress(w io.Writer, total int) meter {
	return meter{progress.New(w, "applying", total, common.IsTerminal(w), nil)}
}

func (p meter) step() { p.m.Step() }
func (p meter) done() { p.m.Done() }
