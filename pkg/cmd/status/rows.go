package status

import (
	"fmt"
	"io"
	"strings"

	"k8s.io/cli-runtime/pkg/printers"
)

// printRows writes rows aligned among themselves, as `kubectl get -w` does.
func printRows(w io.Writer, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	tw := printers.GetNewTabWriter(w)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}
