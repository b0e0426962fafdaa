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
			kept, missing := tc.filter.Apply(all)
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

func TestFullName(t *testing.T) {
	for in, want := range map[string]string{"1a2b3c4d": "mnist-1a2b3c4d", "mnist-1a2b3c4d": "mnist-1a2b3c4d"} {
		if got := FullName("mnist", in); got != want {
			t.Errorf("FullName(mnist, %q) = %q, want %q", in, got, want)
		}
	}
}
