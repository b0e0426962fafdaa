package status

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRowWriterKeepsColumnsAcrossBatches(t *testing.T) {
	var b bytes.Buffer
	rw := &rowWriter{w: &b}
	rw.write([][]string{{"TRIAL", "STATE", "AGE"}, {"a", "Pending", "1s"}})
	rw.write([][]string{{"a", "Running", "2s"}})
	rw.write([][]string{{"a", "OOMKilled", "3s"}})
	want := "TRIAL   STATE     AGE\n" +
		"a       Pending   1s\n" +
		"a       Running   2s\n" +
		"a       OOMKilled   3s\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
