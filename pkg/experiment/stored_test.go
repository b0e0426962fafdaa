package experiment

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// What the Jobs carry gives back the same search and the same template.
func TestStoredExperimentRoundTrip(t *testing.T) {
	for _, file := range []string{"tpe.yaml", "median-stop.yaml", "hyperband.yaml"} {
		t.Run(file, func(t *testing.T) {
			path := "../../testdata/katib/adaptive/" + file
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			exp, err := Parse(path, data, Options{Queue: "team-a"})
			if err != nil {
				t.Fatal(err)
			}
			s, err := EncodeStored(exp)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeStored("x-0", s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(exp.Search.Config(), back.Search.Config()); diff != "" {
				t.Errorf("search (-submitted +stored):\n%s", diff)
			}
			if exp.Search.Parallel != back.Search.Parallel || exp.Search.MaxTrials != back.Search.MaxTrials || exp.Search.MaxFailed != back.Search.MaxFailed {
				t.Errorf("counts %+v, stored %+v", exp.Search, back.Search)
			}
			if diff := cmp.Diff(exp.Search.Objective, back.Search.Objective); diff != "" {
				t.Errorf("objective (-submitted +stored):\n%s", diff)
			}
			a, _ := exp.Template.JSON(nil, []string{"1", "2", "3", "4", "5"})
			b, _ := back.Template.JSON(nil, []string{"1", "2", "3", "4", "5"})
			if string(a) != string(b) {
				t.Errorf("template:\n%s\nstored:\n%s", a, b)
			}
			if back.Queue != "team-a" {
				t.Errorf("queue %q, want team-a", back.Queue)
			}
			if len(s) > 4096 {
				t.Errorf("stored in %d bytes", len(s))
			}
		})
	}
}
