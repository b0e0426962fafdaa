package params

import (
	"reflect"
	"testing"
)

// TestColumnsAndCells: the columns of a table are the union of its rows'
// parameter names in first-seen order, and a row without a parameter
// shows <none> in its column.
func TestColumnsAndCells(t *testing.T) {
	type row struct{ p Params }
	rows := []row{
		{Params{{"lr", 0.1}, {"act", "relu"}}},
		{Params{{"act", "tanh"}, {"depth", int64(3)}}},
		{nil},
	}
	cols := Columns(rows, func(r *row) Params { return r.p })
	if want := []string{"lr", "act", "depth"}; !reflect.DeepEqual(cols, want) {
		t.Fatalf("Columns = %v, want %v", cols, want)
	}
	if got, want := Headers(cols), []string{"LR", "ACT", "DEPTH"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Headers = %v, want %v", got, want)
	}
	want := [][]string{{"0.1", "relu", "<none>"}, {"<none>", "tanh", "3"}, {"<none>", "<none>", "<none>"}}
	for i, r := range rows {
		if got := r.p.Cells(cols); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("row %d: Cells = %v, want %v", i, got, want[i])
		}
	}
	if got := Columns([]row(nil), func(r *row) Params { return r.p }); got == nil || len(got) != 0 {
		t.Errorf("Columns of no rows = %#v, want an empty slice", got)
	}
}
