package render

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

func loadKatib(t *testing.T, file string) *experiment.Experiment {
	t.Helper()
	path := "../../testdata/katib/adaptive/" + file
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := experiment.Parse(path, data, experiment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

// An adaptive search renders its first batch: Jobs named by index,
// carrying the experiment (which reads back) and the algorithm's note.
func TestRenderFirstBatch(t *testing.T) {
	exp := loadKatib(t, "hyperband.yaml")
	trials, _, err := Render(exp)
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != exp.Search.Parallel {
		t.Fatalf("%d trials, want parallelTrialCount %d", len(trials), exp.Search.Parallel)
	}
	for i, tr := range trials {
		j := tr.Job
		if want := IndexName(exp.Name, i); tr.Name != want || j.Name != want || j.Annotations[keys.Index] != itoa(i) {
			t.Errorf("trial %d: name %s, Job %s, index %s; want %s", i, tr.Name, j.Name, j.Annotations[keys.Index], want)
		}
		var meta map[string]string
		if err := json.Unmarshal([]byte(j.Annotations[keys.SearchMeta]), &meta); err != nil || meta["hyperband.rung"] != "0" {
			t.Errorf("trial %d: search meta %q (%v), want Hyperband's rung 0", i, j.Annotations[keys.SearchMeta], err)
		}
		back, err := experiment.DecodeStored(j.Name, j.Annotations[keys.Search], experiment.Options{})
		if err != nil || back.Search.Algorithm != "hyperband" {
			t.Errorf("trial %d: stored experiment %v, %v", i, back, err)
		}
	}
	// Rendering a later suggestion by itself gives the same Job.
	var meta map[string]string
	_ = json.Unmarshal([]byte(trials[1].Job.Annotations[keys.SearchMeta]), &meta)
	again, err := RenderSuggested(exp, []Suggested{{Index: 1, Params: trials[1].Params, Meta: meta}})
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Job.Annotations[keys.SpecHash] != trials[1].Job.Annotations[keys.SpecHash] {
		t.Errorf("trial 1 rendered alone differs from the batch's")
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
