package params

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSelector(t *testing.T) {
	cases := map[string]struct {
		in      string
		want    Selector
		wantErr bool
	}{
		"empty":      {in: "", want: nil},
		"one":        {in: "activation=relu", want: Selector{{Name: "activation", Value: "relu"}}},
		"double":     {in: "activation==relu", want: Selector{{Name: "activation", Value: "relu"}}},
		"not":        {in: "dropout!=0.2", want: Selector{{Name: "dropout", Value: "0.2", Not: true}}},
		"several":    {in: "activation=relu, dropout=0.2", want: Selector{{Name: "activation", Value: "relu"}, {Name: "dropout", Value: "0.2"}}},
		"empty val":  {in: "tag=", want: Selector{{Name: "tag", Value: ""}}},
		"no op":      {in: "activation", wantErr: true},
		"no name":    {in: "=relu", wantErr: true},
		"empty part": {in: "a=1,,b=2", wantErr: true},
		"two ops":    {in: "a=b=c", wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParseSelector(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseSelector(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("selector (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectorMatches(t *testing.T) {
	p := Params{{Name: "activation", Value: "relu"}, {Name: "dropout", Value: 0.2}, {Name: "epochs", Value: int64(10)}, {Name: "bn", Value: true}}
	cases := map[string]struct {
		sel  string
		want bool
	}{
		"everything":          {"", true},
		"string":              {"activation=relu", true},
		"other string":        {"activation=tanh", false},
		"float":               {"dropout=0.2", true},
		"float another way":   {"dropout=0.20", true},
		"int as float":        {"epochs=10.0", true},
		"bool":                {"bn=true", true},
		"all must match":      {"activation=relu,dropout=0.3", false},
		"not":                 {"activation!=tanh", true},
		"not matching":        {"activation!=relu", false},
		"missing parameter":   {"lr=0.1", false},
		"missing is not":      {"lr!=0.1", true},
		"string is not float": {"activation=0", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			sel, err := ParseSelector(tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			if got := sel.Matches(p); got != tc.want {
				t.Errorf("%q.Matches(%s) = %v, want %v", tc.sel, p, got, tc.want)
			}
		})
	}
}
