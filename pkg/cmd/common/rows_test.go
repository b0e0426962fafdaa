package common

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRowWriterKeepsColumnsAcrossBatches(t *testing.T) {
	var b bytes.Buffer
	rw := &RowWriter{W: &b}
	rw.Write([][]string{{"TRIAL", "STATE", "AGE"}, {"a", "Pending", "1s"}})
	rw.Write([][]string{{"a", "Running", "2s"}})
	rw.Write([][]string{{"a", "OOMKilled", "3s"}})
	want := "TRIAL   STATE     AGE\n" +
		"a       Pending   1s\n" +
		"a       Running   2s\n" +
		"a       OOMKilled   3s\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
