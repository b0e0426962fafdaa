package render

import (
	"context"
	"fmt"
	"io"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
)

// LoadFile loads the experiment file at path (- reads stdin, given up when
// ctx ends), validates it and renders every trial, writing each warning
// of the rendering to warn as a "warning: ..." line: what submit and
// convert both do before anything else.
func LoadFile(ctx context.Context, path string, opts experiment.Options, warn io.Writer) (*experiment.Experiment, []Trial, error) {
	exp, err := experiment.LoadContext(ctx, path, opts)
	if err != nil {
		return nil, nil, err
	}
	trials, warnings, err := Render(exp)
	for _, w := range warnings {
		fmt.Fprintln(warn, "warning:", w)
	}
	if err != nil {
		return nil, nil, err
	}
	return exp, trials, nil
}
