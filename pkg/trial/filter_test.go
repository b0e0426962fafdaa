package trial

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

func TestFilterApply(t *testing.T) {
	all := []Status{
		{Name: "m-1", Params: params.Params{{Name: "act", Value: "relu"}}},
		{Name: "m-2", Params: params.Params{{Name: "act", Value: "tanh"}}},
		{Name: "m-3", Params: params.Params{{Name: "act", Value: "relu"}}},
	}
	relu, err := params.ParseSelector("act=relu")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		filter      Filter
		want        []string
		wantMissing []string
	}{
		"empty keeps all":       {Filter{}, []string{"m-1", "m-2", "m-3"}, nil},
		"names":                 {Filter{Names: []string{"m-3", "m-1"}}, []string{"m-1", "m-3"}, nil},
		"params":                {Filter{Params: relu}, []string{"m-1", "m-3"}, nil},
		"names and params":      {Filter{Names: []string{"m-2", "m-3"}, Params: relu}, []string{"m-3"}, nil},
		"unknown name reported": {Filter{Names: []string{"m-9", "m-2"}}, []string{"m-2"}, []string{"m-9"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			kept, missing, err := tc.filter.Apply(all)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range kept {
				got = append(got, s.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantMissing, missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterUnknownParam(t *testing.T) {
	all := []Status{
		{Name: "mnist-1", Experiment: "mnist", Params: params.Params{{Name: "activation", Value: "relu"}, {Name: "dropout", Value: 0.2}}},
		{Name: "mnist-2", Experiment: "mnist", Params: params.Params{{Name: "lr", Value: 0.1}}},
	}
	sel := func(s string) params.Selector {
		out, err := params.ParseSelector(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	cases := map[string]struct {
		statuses []Status
		selector string
		wantErr  string
	}{
		"typo": {all, "activaton=relu",
			`--param-selector: experiment "mnist" has no parameter "activaton" (did you mean "activation"?); its parameters: activation, dropout, lr`},
		"far from any name": {all, "batch_size=32",
			`--param-selector: experiment "mnist" has no parameter "batch_size"; its parameters: activation, dropout, lr`},
		"known to one trial only": {all, "lr=0.1", ""},
		"no trials":               {nil, "activaton=relu", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := Filter{Params: sel(tc.selector)}
			_, _, err := f.Apply(tc.statuses)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Errorf("error = %q, want %q", got, tc.wantErr)
			}
		})
	}
}

func TestFullName(t *testing.T) {
	for in, want := range map[string]string{"1a2b3c4d": "mnist-1a2b3c4d", "mnist-1a2b3c4d": "mnist-1a2b3c4d"} {
		if got := FullName("mnist", in); got != want {
			t.Errorf("FullName(mnist, %q) = %q, want %q", in, got, want)
		}
	}
}
